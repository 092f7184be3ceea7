import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Param } from '@nestjs/common';
import { TenantId } from '@org/service';
import { eligibilityOf } from './eligibility';
import { eligibilityFactsOf } from './eligibility-facts';

/** R7: per application, which instances can be connected and, if none, why. */
@Controller('v1/applications')
export class CheckEligibilityHttpController {
  constructor(private readonly em: EntityManager) {}

  @Get(':appKey/eligibility')
  async check(@TenantId() tenantId: string, @Param('appKey') appKey: string) {
    return { appKey, ...eligibilityOf(await eligibilityFactsOf(this.em, tenantId, appKey)) };
  }
}
