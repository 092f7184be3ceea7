import { Module } from '@nestjs/common';
import { ExtendViewsService } from './extend-views.service';
import { RebuildViewService } from './rebuild-view.service';
import { ViewHttpController } from './view.http.controller';

@Module({
  controllers: [ViewHttpController],
  providers: [RebuildViewService, ExtendViewsService],
  exports: [RebuildViewService],
})
export class ViewModule {}
