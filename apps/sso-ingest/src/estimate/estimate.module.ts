import { Global, Module } from '@nestjs/common';
import { StatePublisher } from '../publish/state-publisher';
import { DeriveEstimatesService } from './derive-estimates.service';
import { RederiveEstimatesService } from './rederive-estimates.service';

@Global()
@Module({
  providers: [DeriveEstimatesService, RederiveEstimatesService, StatePublisher],
  exports: [DeriveEstimatesService, RederiveEstimatesService, StatePublisher],
})
export class EstimateModule {}
