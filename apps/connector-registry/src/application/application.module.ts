import { Module } from '@nestjs/common';
import { CheckEligibilityHttpController } from './check-eligibility/check-eligibility.http.controller';
import { ListApplicationsHttpController } from './list-applications/list-applications.http.controller';

@Module({ controllers: [ListApplicationsHttpController, CheckEligibilityHttpController] })
export class ApplicationModule {}
