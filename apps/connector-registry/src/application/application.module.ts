import { Module } from '@nestjs/common';
import { ListApplicationsHttpController } from './list-applications/list-applications.http.controller';

@Module({ controllers: [ListApplicationsHttpController] })
export class ApplicationModule {}
