// npm run dlq -- list <topic> [--reason R] [--tenant T] [--json]
// npm run dlq -- redrive <topic> [--reason R] [--tenant T] [--since T] [--json]
//
// What a topic's DLQ holds, grouped by reason; and sending the original messages back to their
// topic once the cause is fixed (a connection made, a bug fixed and deployed). Consumers are
// idempotent by event id, so a message sent back twice is applied once. Each message sent back
// carries x-redrive-count; one refused again after 3 redrives stays in the DLQ.
import { saslFromEnv } from '@org/config';
import { TOPICS } from '@org/contracts';
import {
  byReason,
  createIdempotentProducer,
  createKafka,
  type DeadLetterFilter,
  matches,
  physicalTopic,
  readDeadLetters,
  MAX_REDRIVES,
  REDRIVE_HEADER,
  redrivePlan,
} from '@org/kafka';

const USAGE = `usage: npm run dlq -- list <topic> [--reason CODE] [--tenant ID] [--json]
       npm run dlq -- redrive <topic> [--reason CODE] [--tenant ID] [--since ISO-TIME] [--json]
topics: ${Object.values(TOPICS).join(', ')}`;

function parseArgs(argv: string[]) {
  const [command, topic, ...rest] = argv;
  const options: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i].replace(/^--/, '');
    if (!rest[i].startsWith('--')) throw new Error(`unexpected argument ${rest[i]}`);
    const value = rest[i + 1];
    if (name === 'json') options.json = true;
    else if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
    else {
      options[name] = value;
      i++;
    }
  }
  for (const name of Object.keys(options))
    if (!['reason', 'tenant', 'since', 'json'].includes(name)) throw new Error(`unknown option --${name}`);
  if (!['list', 'redrive'].includes(command)) throw new Error(`unknown command ${command ?? '(none)'}`);
  if (!(Object.values(TOPICS) as string[]).includes(topic)) throw new Error(`unknown topic ${topic ?? '(none)'}`);
  const since = typeof options.since === 'string' ? new Date(options.since) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since ${options.since} is not a time`);
  if (since && command === 'list') throw new Error('--since is for redrive');
  const filter: DeadLetterFilter = {
    reason: typeof options.reason === 'string' ? options.reason : undefined,
    tenant: typeof options.tenant === 'string' ? options.tenant : undefined,
    since,
  };
  return { command, topic, filter, json: options.json === true };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const topicPrefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const kafka = createKafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'dlq-tool',
    topicPrefix,
    sasl: saslFromEnv(process.env),
  });
  const letters = (await readDeadLetters(kafka, topicPrefix, args.topic)).filter((l) => matches(l, args.filter));

  if (args.command === 'list') {
    const groups = byReason(letters);
    if (args.json) return console.log(JSON.stringify({ topic: args.topic, total: letters.length, reasons: groups }));
    console.log(`${args.topic}.dlq: ${letters.length} message(s)${letters.length ? ', by reason:' : ''}`);
    for (const g of groups)
      console.log(
        `  ${g.code.padEnd(24)} ${String(g.count).padStart(6)}  ${g.first} … ${g.last}  tenants: ${g.tenants.join(', ')}\n` +
          `  ${''.padEnd(24)} e.g. ${g.example}`,
      );
    return;
  }

  const plan = redrivePlan(letters);
  if (plan.send.length) {
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    try {
      await producer.send({
        topic: physicalTopic({ topicPrefix }, args.topic),
        messages: plan.send.map(({ letter, redrives }) => ({
          key: letter.key,
          value: letter.value,
          headers: { [REDRIVE_HEADER]: String(redrives) },
        })),
      });
    } finally {
      await producer.disconnect();
    }
  }
  const summary = {
    topic: args.topic,
    redriven: plan.send.length,
    exhausted: plan.exhausted.length,
    cut: plan.cut.length,
  };
  if (args.json) return console.log(JSON.stringify(summary));
  console.log(`${args.topic}: ${summary.redriven} message(s) sent back`);
  if (summary.exhausted)
    console.log(`  ${summary.exhausted} stay: refused again after ${MAX_REDRIVES} redrives (the DLQ keeps them)`);
  if (summary.cut)
    console.log(
      `  ${summary.cut} stay: their DLQ copy was cut (over 400 KB); the whole message is at its origin offset`,
    );
}

main().catch((error) => {
  console.error(`[dlq] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
