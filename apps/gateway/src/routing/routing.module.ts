import { Module } from '@nestjs/common';
import { ForwardHttpController } from './forward.http.controller';

/** Imported last: its catch-all route must come after every route the gateway answers itself. */
@Module({ controllers: [ForwardHttpController] })
export class RoutingModule {}
