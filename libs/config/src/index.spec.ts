import { z } from 'zod';
import { commonEnv, loadConfig } from './index';

describe('loadConfig', () => {
  const schema = z.object(commonEnv);

  it('applies the SPEC defaults', () => {
    const config = loadConfig(schema, { INTERNAL_API_TOKEN: 'x'.repeat(16) });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/provisioning');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'nope', INTERNAL_API_TOKEN: '' })).toThrow(
      /DATABASE_URL[\s\S]*INTERNAL_API_TOKEN/,
    );
  });
});
