// npm run bench -- ingest
// 1M sso.login events (10k users, 200 instances, one year) on sso.events.v1; then, on the same
// topic, a bare kafkajs consumer that only JSON.parses (the baseline), and sso-ingest draining
// it into estimates (offsets committed = every event applied). Ratios, not absolute times:
// this machine is shared. Last line: one JSON object.
import { ssoEventKey, TOPICS } from '@org/contracts';
import { createIdempotentProducer, createKafka } from '@org/kafka';
import { randomUUID } from 'node:crypto';
import { benchEnv, startService, runBench } from './bench-env';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const USERS = 10_000;
const INSTANCES = 200;
const YEAR_START = Date.parse('2025-12-01T00:00:00Z');
const YEAR_MS = 365 * 86_400_000;

async function main() {
  const bench = benchEnv('ingest');
  const kafka = createKafka({ brokers: bench.brokers, clientId: 'bench-ingest', topicPrefix: bench.topicPrefix });
  const topic = `${bench.topicPrefix}${TOPICS.ssoEvents}`;
  try {
    const service = await startService('sso-ingest', 'SSO_INGEST_PORT', 18_081, bench.env);
    const tenantId = 'bench-tenant';
    const ssoConnections: string[] = [];
    for (const name of ['Okta', 'Entra ID']) {
      const res = await fetch(`${service.url}/v1/sso-connections`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-internal-token': bench.env.INTERNAL_API_TOKEN!,
          'x-tenant-id': tenantId,
        },
        body: JSON.stringify({ platform: name.toLowerCase(), name }),
      });
      ssoConnections.push(((await res.json()) as { id: string }).id);
    }
    // Produced before the consumers run, so both drain the same full topic.
    await service.stop();

    const instances = Array.from({ length: INSTANCES }, (_, i) => ({
      ssoConnectionId: ssoConnections[i % 2],
      ssoAppId: `app-${i}`,
      appKey: `app${i % 150}`,
      appName: `App ${i % 150}`,
    }));
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const t0 = Date.now();
    let rng = 42;
    const random = () => (rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let sent = 0; sent < EVENTS;) {
      const messages = [];
      for (let i = 0; i < 10_000 && sent < EVENTS; i++, sent++) {
        const inst = instances[Math.floor(random() * INSTANCES)];
        const user = Math.floor(random() * USERS);
        messages.push({
          key: ssoEventKey(tenantId, inst.ssoConnectionId, inst.ssoAppId),
          value: JSON.stringify({
            id: randomUUID(),
            type: 'sso.login',
            version: 1,
            tenantId,
            occurredAt: new Date().toISOString(),
            data: {
              ...inst,
              userId: `user-${user}`,
              email: `user-${user}@bench.test`,
              method: random() < 0.05 ? 'social' : 'sso',
              at: new Date(YEAR_START + Math.floor(random() * YEAR_MS)).toISOString(),
            },
          }),
        });
      }
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();
    console.error(`[bench] produced ${EVENTS} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const rawMs = await rawDrain(kafka, topic);
    console.error(`[bench] raw drain: ${(rawMs / 1000).toFixed(1)} s`);

    const ingest = await startService('sso-ingest', 'SSO_INGEST_PORT', 18_081, bench.env);
    // Timed from the moment its consumers joined their groups, as the baseline from its first batch.
    while (
      !(await fetch(`${ingest.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 50));
    const start = Date.now();
    await untilCommitted(kafka, `${bench.topicPrefix}sso-ingest.${TOPICS.ssoEvents}`, topic);
    const ingestMs = Date.now() - start;
    const rssMb = ingest.peakRssMb();
    console.error(`[bench] sso-ingest drain: ${(ingestMs / 1000).toFixed(1)} s, peak RSS ${rssMb} MB`);
    await ingest.stop();

    const ingestEventsPerSec = Math.round(EVENTS / (ingestMs / 1000));
    const rawDrainEventsPerSec = Math.round(EVENTS / (rawMs / 1000));
    console.log(
      JSON.stringify({
        bench: 'ingest',
        events: EVENTS,
        ingestEventsPerSec,
        rawDrainEventsPerSec,
        ratio: Number((ingestEventsPerSec / rawDrainEventsPerSec).toFixed(3)),
        rssMb,
      }),
    );
  } finally {
    await bench.cleanup();
  }
}

/** The baseline: a kafkajs consumer that only parses each value. */
async function rawDrain(kafka: ReturnType<typeof createKafka>, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${topic}.raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let start = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (!start) start = Date.now();
        for (const m of batch.messages) JSON.parse(m.value!.toString());
        seen += batch.messages.length;
        if (seen >= EVENTS) resolve(Date.now() - start);
      },
    });
  });
  const ms = await done;
  await consumer.disconnect();
  return ms;
}

/** Waits until the group has committed every partition up to its end. */
async function untilCommitted(kafka: ReturnType<typeof createKafka>, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  for (;;) {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    if (committed.partitions.every((p) => p.offset === ends.get(p.partition))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await admin.disconnect();
}

runBench(main);
