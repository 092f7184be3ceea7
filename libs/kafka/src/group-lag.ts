import type { Admin } from 'kafkajs';

/**
 * Messages a consumer group has yet to apply: for each partition of its topics (or of `topics`),
 * the partition's end minus the group's committed offset (the start when it committed none).
 */
export async function groupLag(admin: Admin, groupId: string, topics?: string[]): Promise<number> {
  let lag = 0;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, ...(topics ? { topics } : {}) })) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const p of partitions) {
      const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
      lag += Math.max(0, end - Math.max(0, Number(p.offset)));
    }
  }
  return lag;
}
