// The broker of the case's own (tools/kafka) stopped mid-ingest and started again (see outage.ts).
import { startPrivateBroker } from '@org/testing';
import { describeOutage } from './outage';

describeOutage('broker', async () => {
  const broker = await startPrivateBroker();
  return { ...broker, where: { brokers: broker.brokers } };
});
