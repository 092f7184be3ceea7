import { Counter, Gauge } from 'prom-client';

// The sources' figures on /metrics (libs/service), labelled by platform and source (the SSO
// connection id: a handful per tenant, so the label stays small).

export const eventsPulled = new Counter({
  name: 'sso_source_events_pulled_total',
  help: 'Logins produced to sso.events.v1, per source',
  labelNames: ['platform', 'source'],
});
export const eventsSkipped = new Counter({
  name: 'sso_source_events_skipped_total',
  help: 'Logins left out because the contract refuses them (no e-mail it takes, say), per source',
  labelNames: ['platform', 'source'],
});
export const polls = new Counter({
  name: 'sso_source_polls_total',
  help: 'Polls by outcome: ok, rate_limited, failed',
  labelNames: ['platform', 'source', 'outcome'],
});
export const pollFailures = new Counter({
  name: 'sso_source_failures_total',
  help: 'Failed polls, per source',
  labelNames: ['platform', 'source'],
});
let lags: () => Promise<Array<{ platform: string; source: string; seconds: number }>> = async () => [];
/** Where the lag gauge reads its figures at scrape time (the scheduler, from the sources' table). */
export const readLagsWith = (read: typeof lags) => {
  lags = read;
};
export const lagSeconds = new Gauge({
  name: 'sso_source_lag_seconds',
  help: 'How far behind the platform a source is: seconds since its last poll that reached the end of the log',
  labelNames: ['platform', 'source'],
  async collect() {
    this.reset();
    for (const { platform, source, seconds } of await lags()) this.set({ platform, source }, seconds);
  },
});
