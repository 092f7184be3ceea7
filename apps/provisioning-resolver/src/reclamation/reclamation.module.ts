import { Module } from '@nestjs/common';
import { ReclamationHttpController } from './reclamation.http.controller';

@Module({ controllers: [ReclamationHttpController] })
export class ReclamationModule {}
