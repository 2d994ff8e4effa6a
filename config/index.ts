/**
 * All configuration, parsed once from the environment with zod. Every process (launcher, worker, gateway,
 * tests) reads settings from here only, so a misspelt or malformed variable fails at start-up, naming itself.
 */
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  MFO_DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('mfo-flows'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: z.string().url().optional(),
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bootstrap platform-admin key: creates tenants and issues keys. Unset: only keys in the database work. */
  MFO_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Payload encryption key ring: "<id>:<base64 key>,..." — first entry encrypts, the rest only decrypt (rotation). */
  MFO_PAYLOAD_KEYS: z.string().min(1).optional(),
  /** Browser origins (the Temporal Web UI) allowed to call the codec endpoint. */
  MFO_CODEC_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  /** Codec calls must carry an API key; the dev launcher turns this off for its own loopback Web UI. */
  MFO_CODEC_REQUIRE_KEY: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  /** Requests per minute per API key, per gateway instance (a local guard, not a global quota). */
  MFO_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  /** host:port where the worker's SDK Prometheus exporter listens (e.g. 0.0.0.0:9464); unset = off. */
  MFO_WORKER_METRICS_ADDRESS: z.string().regex(/^[^:]+:\d{1,5}$/, 'must be host:port').optional(),
  MFO_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(50),
  MFO_FAULT_INJECTION: flag,
  /** A prebuilt workflow bundle (from scripts/bundle-workflows.ts); unset = bundle at worker start. */
  MFO_WORKFLOW_BUNDLE: z.string().min(1).optional(),
});

export type Config = z.infer<typeof schema> & { dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.MFO_DATA_DIR) };
}
