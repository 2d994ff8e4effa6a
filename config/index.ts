/**
 * All configuration, parsed once from the environment with zod. Every process (launcher, worker, gateway,
 * tests) reads settings from here only, so a misspelt or malformed variable fails at start-up, naming itself.
 */
import path from 'node:path';
import { z } from 'zod';
import { VISIBILITY_UPDATES } from '../workflows/vocabulary';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(1).max(65535);

/** Compose files pass unset variables as "": treat that as not set rather than as an invalid value. */
const unsetIfEmpty = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional());

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
  /**
   * How long the gateway waits for a flow to act on a control message. A flow acts once a worker runs it, so with
   * its workers down the wait would never end; past this the caller gets a 503 naming the update id to retry with.
   */
  MFO_CONTROL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /**
   * How long the gateway waits for Temporal to answer a read or a start. Without a bound, a Temporal the network has
   * cut off (packets dropped, not refused) holds a request until the client's keepalive gives up, up to a minute.
   */
  MFO_TEMPORAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * How long a start's Idempotency-Key is remembered. A retry within it gets the flow the key started; after it, the key
   * is free and starts a new flow. Older keys are deleted (about hourly, by each gateway), so the table stays small.
   */
  MFO_START_KEY_RETENTION_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
  /**
   * How long a gateway trusts what it last read of an API key before reading it again; 0 reads it on every request.
   * A key revoked through this gateway is refused at once; revoked through another gateway, within this bound.
   */
  MFO_API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /**
   * How often new flows write FlowStatus/CurrentPhase to Temporal's visibility store, unless a start names it:
   * every_phase, or status_changes (a flow moving between phases writes nothing; see workflows/vocabulary.ts).
   */
  MFO_VISIBILITY_UPDATES: z.enum(VISIBILITY_UPDATES).default('every_phase'),
  /** OpenAI (or Azure OpenAI) key. With it or OPENAI_BASE_URL set, agents call a model; without both, the offline rules provider answers. */
  OPENAI_API_KEY: unsetIfEmpty(z.string().min(1)),
  /** Any OpenAI-compatible endpoint: Azure OpenAI, Ollama (http://host:11434/v1), vLLM, llama.cpp server… */
  OPENAI_BASE_URL: unsetIfEmpty(z.string().url()),
  /** The model every agent uses unless MFO_LLM_AGENT_MODELS names another for it. */
  MFO_LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Per-agent model override: "move-group-namer=gpt-4o,wave-namer=llama3.1:8b". */
  MFO_LLM_AGENT_MODELS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
      const pairs = entries.map((e) => e.split('=').map((p) => p.trim()));
      if (pairs.some((p) => p.length !== 2 || !p[0] || !p[1])) {
        ctx.addIssue({ code: 'custom', message: 'must be comma-separated agent=model pairs' });
        return z.NEVER;
      }
      return Object.fromEntries(pairs) as Record<string, string>;
    }),
  /** Prices in USD per million tokens, overriding or extending the built-in table: "my-model=0.5/1.5,…" (input/output). */
  MFO_LLM_PRICES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const prices: Record<string, { input: number; output: number }> = {};
      for (const entry of v.split(',').map((e) => e.trim()).filter(Boolean)) {
        const match = /^(.+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(entry);
        if (!match) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" must look like model=inputPrice/outputPrice` });
          return z.NEVER;
        }
        prices[match[1].trim()] = { input: Number(match[2]), output: Number(match[3]) };
      }
      return prices;
    }),
  /** One model request may take this long before it is abandoned and retried. */
  MFO_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** Upper bound on a server's Retry-After: a provider asking for an hour must not park a flow for an hour. */
  MFO_LLM_RETRY_AFTER_CAP_SECONDS: z.coerce.number().min(0).max(3600).default(60),
  MFO_LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(200_000).default(4096),
  /** Tool-calling rounds before an agent must answer. */
  MFO_LLM_MAX_TOOL_ROUNDS: z.coerce.number().int().min(0).max(50).default(8),
  /** Model requests per minute to the endpoint, across every worker of the fleet (kept in PostgreSQL): the provider's quota. */
  MFO_AGENT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Flows the flow worker keeps in memory between workflow tasks; unset = the SDK's default, sized from the heap
   * limit. A flow that is not cached replays its whole history on its next task (an approval, say), so a fleet with
   * many flows parked at gates resumes them faster when its workers together cache all of them (README, operator
   * recipes). Each cached flow costs worker memory.
   */
  MFO_MAX_CACHED_WORKFLOWS: unsetIfEmpty(
    z.coerce
      .number()
      .int()
      .max(1_000_000)
      .refine((n) => n === 0 || n >= 2, 'must be 0 (no cache) or at least 2'),
  ),
  /** A prebuilt workflow bundle (`bundleWorkflowCode` output, as the test suite and benchmarks build); unset = bundle at worker start. */
  MFO_WORKFLOW_BUNDLE: z.string().min(1).optional(),
});

export type Config = z.infer<typeof schema> & { dataDir: string };

/** Agents call a model only when an endpoint or key is configured; otherwise the offline rules provider answers. */
export function llmConfigured(config: Config): boolean {
  return Boolean(config.OPENAI_API_KEY || config.OPENAI_BASE_URL);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.MFO_DATA_DIR) };
}
