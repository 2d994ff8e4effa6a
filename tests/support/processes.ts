/**
 * The platform's processes as an operator runs them — `npm run gateway` (api/main.ts), `npm run worker`
 * (workers/main.ts) or another worker entry — spawned with an explicit environment, so fault suites can kill and
 * restart them and benchmarks can keep load generator, gateway and worker on separate event loops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { freePort } from './ports';

export interface ServiceEnv {
  temporalAddress: string;
  taskQueue: string;
  payloadKeys: string;
  databaseUrl?: string;
  /** A prebuilt workflow bundle (saves bundling at every worker start). */
  workflowBundle?: string;
  adminKey?: string;
  faultInjection?: boolean;
  /** The model endpoint's request quota (MFO_AGENT_REQUESTS_PER_MINUTE); unset = the default. */
  agentRequestsPerMinute?: number;
  /** Flows a worker keeps cached (MFO_MAX_CACHED_WORKFLOWS); unset = the SDK's default. */
  maxCachedWorkflows?: number;
  logLevel?: string;
}

function processEnv(env: ServiceEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const vars: Record<string, string | undefined> = {
    ...process.env,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_TASK_QUEUE: env.taskQueue,
    MFO_PAYLOAD_KEYS: env.payloadKeys,
    DATABASE_URL: env.databaseUrl,
    MFO_WORKFLOW_BUNDLE: env.workflowBundle,
    MFO_ADMIN_KEY: env.adminKey,
    MFO_FAULT_INJECTION: env.faultInjection ? 'true' : 'false',
    MFO_AGENT_REQUESTS_PER_MINUTE: env.agentRequestsPerMinute?.toString(),
    MFO_MAX_CACHED_WORKFLOWS: env.maxCachedWorkflows?.toString(),
    LOG_LEVEL: env.logLevel ?? 'warn',
    // Benchmarks and fault suites drive one key hard; the per-key guard is not what they measure.
    MFO_RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete vars[k];
  return vars;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<void>;
  /** SIGKILL: a crash, no draining. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Append stdout and stderr to this file instead of inheriting stderr. */
  logFile?: string;
  extraEnv?: Record<string, string>;
  /** Node options placed before the entry, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
}

/**
 * Runs an entry point of this project in its own Node process: a TypeScript one through tsx, like the npm scripts,
 * a compiled one (`dist/….js`, `npm run build`) with plain Node, like the Docker image.
 */
export function spawnService(entry: string, env: ServiceEnv, options: SpawnOptions = {}): ServiceProcess {
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : null;
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry], {
    cwd: PROJECT_ROOT,
    env: processEnv(env, options.extraEnv ?? {}),
    stdio: ['ignore', out ?? 'ignore', out ?? 'inherit'],
  });
  if (out !== null) fs.closeSync(out);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!alive()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface GatewayProcess extends ServiceProcess {
  /** e.g. http://127.0.0.1:40123 (the API is under /api/v1). */
  baseUrl: string;
  port: number;
}

/** `npm run gateway` (or the given entry, e.g. the compiled `dist/api/main.js`) on a free (or the given) port, once it answers /healthz. */
export async function startGateway(env: ServiceEnv, options: SpawnOptions & { port?: number; entry?: string } = {}): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort());
  const service = spawnService(options.entry ?? 'api/main.ts', env, { ...options, extraEnv: { ...options.extraEnv, HOST: '127.0.0.1', PORT: String(port) } });
  const baseUrl = `http://127.0.0.1:${port}`;
  let exited = false;
  void service.exited.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`gateway exited with ${service.child.signalCode ?? service.child.exitCode} before listening`);
    const healthy = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return { ...service, baseUrl, port };
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(`gateway did not answer on ${baseUrl} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the process with this pid polls the task queue for both workflow and activity tasks (activity tasks
 * only, for an activities-only worker). The server lists pollers it has seen for minutes, so a restarted worker is
 * recognised by its identity (`<pid>@<host>`).
 */
export async function waitForWorker(
  connection: Connection,
  taskQueue: string,
  pid: number,
  options: { namespace?: string; timeoutMs?: number; activitiesOnly?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;
  const kinds = options.activitiesOnly ? [TASK_QUEUE_TYPE_ACTIVITY] : [TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY];
  for (;;) {
    const polling = await Promise.all(
      kinds.map(async (taskQueueType) => {
        const { pollers } = await connection.workflowService.describeTaskQueue({
          namespace: options.namespace ?? 'default',
          taskQueue: { name: taskQueue },
          taskQueueType,
        });
        return (pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
      }),
    );
    if (polling.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`worker ${pid} is not polling ${taskQueue} after ${options.timeoutMs ?? 60_000} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGKILLs a child process (a crash: no draining) and settles once it has exited. */
export function sigkill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
