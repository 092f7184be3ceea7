// npm start runs this once the services are up (DEMO=0 skips it): seeds the demo tenant,
// or finds the one seeded before (its key is kept in .data/demo.json), and prints its key
// as the last line: `demo-key <tenantId> <apiKey>`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seedDemo } from '@org/demo-data';

const file = join(__dirname, '../../.data/demo.json');

async function main() {
  const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { tenantId: string; apiKey: string };
    const res = await fetch(`${gatewayUrl}/v1/tenant`, { headers: { authorization: `Bearer ${kept.apiKey}` } });
    if (res.ok) {
      console.log('[demo] the demo tenant is already there');
      console.log(`demo-key ${kept.tenantId} ${kept.apiKey}`);
      return;
    }
  }
  const started = Date.now();
  const demo = await seedDemo({
    gatewayUrl,
    adminKey: process.env.ADMIN_API_KEY!,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX,
    principals: principals(),
    progress: (line) => console.log(`[demo] ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`),
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ tenantId: demo.tenantId, apiKey: demo.apiKey }, null, 2), { mode: 0o600 });
  console.log(
    `[demo] seeded ${demo.events.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`demo-key ${demo.tenantId} ${demo.apiKey}`);
}

/** On the secured cluster (npm start with KAFKA_CLUSTER), the two outside producers' credentials. */
function principals() {
  const file = process.env.KAFKA_CLUSTER_CREDENTIALS;
  if (!file) return undefined;
  const { principals: passwords } = JSON.parse(readFileSync(file, 'utf8')) as { principals: Record<string, string> };
  const as = (username: string) => ({ mechanism: 'scram-sha-512' as const, username, password: passwords[username] });
  return { sso: as('sso-producer'), connector: as('connector') };
}

main().catch((error) => {
  console.error(`[demo] seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
