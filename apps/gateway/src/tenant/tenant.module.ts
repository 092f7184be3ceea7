import { Module } from '@nestjs/common';
import { CreateTenantHttpController } from './create-tenant/create-tenant.http.controller';
import { CreateTenantService } from './create-tenant/create-tenant.service';
import { GetTenantHttpController } from './get-tenant/get-tenant.http.controller';
import { UpdateTenantHttpController } from './update-tenant/update-tenant.http.controller';

@Module({
  controllers: [CreateTenantHttpController, GetTenantHttpController, UpdateTenantHttpController],
  providers: [CreateTenantService],
})
export class TenantModule {}
