import { z } from 'zod';

/**
 * Parses the environment with a service's zod schema, once at boot. Fails listing every
 * bad variable at once, so a misconfigured deploy is fixed in one go.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Variables every service reads (SPEC §7 defaults). */
export const commonEnv = {
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/provisioning'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  /** Prepended to every topic and consumer group; test runs use it to stay apart. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  /** The gateway's credential; services answer 401 to calls without it. */
  INTERNAL_API_TOKEN: z.string().min(1, 'required'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How long a silent consumer keeps its partitions (a SIGKILLed one's move after this), and how
   * often a live one says it is there. Tests shorten them (libs/testing global setup).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** SPEC §7: this process's SCRAM-SHA-512 credentials on a secured cluster; unset: PLAINTEXT. */
  KAFKA_SASL_MECHANISM: z
    .string()
    .regex(/^scram-sha-512$/i, 'SCRAM-SHA-512 (the one mechanism the secured cluster offers)')
    .optional(),
  KAFKA_USERNAME: z.string().min(1).optional(),
  KAFKA_PASSWORD: z.string().min(1).optional(),
  /** Consumer group base name; defaults to the service's name (tests use one per suite). */
  KAFKA_CONSUMER_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
};

export const portSchema = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export interface KafkaSasl {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
}

/**
 * SPEC §7's KAFKA_SASL_MECHANISM, KAFKA_USERNAME and KAFKA_PASSWORD: all three or none
 * (PLAINTEXT). SCRAM-SHA-512 is the one mechanism the product's secured cluster offers.
 */
export function saslFromEnv(
  env: Partial<Record<'KAFKA_SASL_MECHANISM' | 'KAFKA_USERNAME' | 'KAFKA_PASSWORD', string>> = process.env,
): KafkaSasl | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_USERNAME: username, KAFKA_PASSWORD: password } = env;
  if (!mechanism && !username && !password) return undefined;
  if (mechanism?.toLowerCase() !== 'scram-sha-512')
    throw new Error(`KAFKA_SASL_MECHANISM must be SCRAM-SHA-512 (got ${mechanism ?? 'nothing'})`);
  if (!username || !password)
    throw new Error('KAFKA_USERNAME and KAFKA_PASSWORD are both needed with KAFKA_SASL_MECHANISM');
  return { mechanism: 'scram-sha-512', username, password };
}
