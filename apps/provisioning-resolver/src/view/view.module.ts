import { Module } from '@nestjs/common';
import { RebuildViewService } from './rebuild-view.service';
import { ViewHttpController } from './view.http.controller';

@Module({ controllers: [ViewHttpController], providers: [RebuildViewService], exports: [RebuildViewService] })
export class ViewModule {}
