import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { NotFoundError } from '@org/errors';
import { TenantId } from '@org/service';
import { z } from 'zod';
import { DeleteSsoConnectionService } from './delete-sso-connection.service';

const uuid = z.uuid();

@Controller('v1/sso-connections')
export class DeleteSsoConnectionHttpController {
  constructor(private readonly service: DeleteSsoConnectionService) {}

  @Delete(':id')
  @HttpCode(204)
  async delete(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    // An id that cannot exist is as unknown as one that does not.
    if (!uuid.safeParse(id).success) throw new NotFoundError('SSO connection', id);
    await this.service.delete(tenantId, id);
  }
}
