import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { parseRequest } from '@org/errors';
import { AdminOnly } from '../../auth/api-key.guard';
import { createTenantRequest } from '@org/contracts';
import { CreateTenantService } from './create-tenant.service';

@Controller('v1/tenants')
export class CreateTenantHttpController {
  constructor(private readonly service: CreateTenantService) {}

  @AdminOnly()
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const { tenant, apiKey } = await this.service.create(parseRequest(createTenantRequest, body));
    return { tenantId: tenant.id, apiKey };
  }
}
