import { allTopicSpecs } from '@org/contracts';
import type { Kafka } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { deleteTopics, ensureTopics, kafkaLogLevel, physicalTopic } from './kafka-settings';

/** The kafkajs admin calls these functions make, over a broker holding `topics` and `groups`. */
function adminOver(topics: string[], groups: string[] = [], createErrors: Error[] = [], brokers = 1) {
  const calls: string[] = [];
  const created: Array<{ topic: string; numPartitions: number; replicationFactor: number; configEntries: unknown[] }> =
    [];
  const deleted: string[][] = [];
  const admin = {
    connect: async () => void calls.push('connect'),
    disconnect: async () => void calls.push('disconnect'),
    listTopics: async () => topics,
    describeCluster: async () => ({ brokers: Array.from({ length: brokers }, (_, i) => ({ nodeId: i + 1 })) }),
    listGroups: async () => ({ groups: groups.map((groupId) => ({ groupId })) }),
    createTopics: async (o: { topics: typeof created }) => {
      const error = createErrors.shift();
      if (error) throw error;
      created.push(...o.topics);
    },
    deleteTopics: async (o: { topics: string[] }) => void deleted.push(o.topics),
    deleteGroups: async (g: string[]) => void deleted.push(g),
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, calls, created, deleted };
}

afterEach(() => jest.useRealTimers());

describe('physicalTopic', () => {
  it('puts the prefix in front of the contract topic, and nothing without one', () => {
    expect([
      physicalTopic({ topicPrefix: 't1.' }, 'tenants.v1'),
      physicalTopic({ topicPrefix: '' }, 'tenants.v1'),
    ]).toEqual(['t1.tenants.v1', 'tenants.v1']);
  });
});

describe('ensureTopics', () => {
  it('creates only the missing topics under the prefix, each with its partitions and cleanup policy', async () => {
    const existing = allTopicSpecs()
      .map((s) => `t1.${s.topic}`)
      .filter((t) => t !== 't1.tenants.v1' && t !== 't1.tenants.v1.dlq');
    const { kafka, created, calls } = adminOver(existing);
    await expect(ensureTopics(kafka, 't1.')).resolves.toEqual(['t1.tenants.v1', 't1.tenants.v1.dlq']);
    expect(created.map((t) => [t.topic, t.numPartitions, t.configEntries])).toEqual([
      ['t1.tenants.v1', 1, [{ name: 'cleanup.policy', value: 'compact' }]],
      ['t1.tenants.v1.dlq', 1, [{ name: 'cleanup.policy', value: 'delete' }]],
    ]);
    expect(calls).toEqual(['connect', 'disconnect']);
  });

  it('on three brokers or more, gives every topic three replicas and min.insync.replicas 2 (SPEC §7)', async () => {
    const { kafka, created } = adminOver([], [], [], 3);
    await ensureTopics(kafka, 't1.');
    expect(created.every((t) => t.replicationFactor === 3)).toBe(true);
    expect(created[0].configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
    const single = adminOver([]);
    await ensureTopics(single.kafka, 't1.');
    expect(single.created.every((t) => t.replicationFactor === 1)).toBe(true);
  });

  it('tries again after a retriable error, at most five times', async () => {
    jest.useFakeTimers();
    const busy = () => Object.assign(new Error('This server does not host this topic-partition'), { retriable: true });
    const { kafka, created } = adminOver([], [], [busy(), busy()]);
    const ensured = ensureTopics(kafka, 't1.');
    await jest.advanceTimersByTimeAsync(900);
    await expect(ensured).resolves.toHaveLength(allTopicSpecs().length);
    expect(created).toHaveLength(allTopicSpecs().length);

    const failing = adminOver([], [], [busy(), busy(), busy(), busy(), busy(), busy()]);
    const given = expect(ensureTopics(failing.kafka, 't1.')).rejects.toThrow('does not host');
    await jest.advanceTimersByTimeAsync(3_000);
    await given;
    expect(failing.calls.filter((c) => c === 'connect')).toHaveLength(5);
  });

  it('gives up at once on an error that is not retriable', async () => {
    const { kafka, calls } = adminOver([], [], [new Error('Topic authorization failed')]);
    await expect(ensureTopics(kafka, 't1.')).rejects.toThrow('Topic authorization failed');
    expect(calls).toEqual(['connect', 'disconnect']);
  });
});

describe('deleteTopics', () => {
  it('refuses to delete without a prefix', async () => {
    await expect(deleteTopics(adminOver(['tenants.v1']).kafka, '')).rejects.toThrow('without a prefix');
  });

  it('deletes the topics and consumer groups under the prefix only', async () => {
    const { kafka, deleted } = adminOver(['t1.tenants.v1', 't2.tenants.v1'], ['t1.sso-ingest.tenants.v1', 'other']);
    await deleteTopics(kafka, 't1.');
    expect(deleted).toEqual([['t1.tenants.v1'], ['t1.sso-ingest.tenants.v1']]);
  });
});

describe('kafkajs lines', () => {
  it('puts what passes by itself at debug, and keeps real errors as errors', () => {
    const { ERROR, WARN, INFO } = logLevel;
    expect(kafkaLogLevel(ERROR, 'Restarting the consumer in 300ms', { retryCount: 1, retryTime: 300 })).toBe('debug');
    expect(
      kafkaLogLevel(ERROR, 'Response GroupCoordinator(key: 10, version: 2)', { error: 'The coordinator is loading' }),
    ).toBe('debug');
    expect(
      kafkaLogLevel(
        ERROR,
        'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      ),
    ).toBe('debug');
    expect(kafkaLogLevel(WARN, 'The group is rebalancing, re-joining', { groupId: 'g' })).toBe('debug');
    expect(
      kafkaLogLevel(ERROR, 'Failed to send messages: This server is not the leader for that topic-partition', {
        retryCount: 0,
      }),
    ).toBe('debug');
    expect(kafkaLogLevel(ERROR, 'Crash: KafkaJSSASLAuthenticationError: SASL SCRAM SHA512 authentication failed')).toBe(
      'error',
    );
    expect(kafkaLogLevel(ERROR, 'Error when calling eachBatch', { error: 'relation "x" does not exist' })).toBe(
      'error',
    );
    expect(kafkaLogLevel(WARN, 'Consumer group received unsubscribed topics')).toBe('warn');
    expect(kafkaLogLevel(INFO, 'Consumer has joined the group')).toBe('info');
  });
});
