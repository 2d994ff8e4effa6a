/**
 * Everything the scenarios share in one run: the servers, the bundles, the real gateway process, the platform's worker
 * processes and the raw baseline's (each side on its own task queue; one each unless --workers), and clients to drive
 * and observe them.
 * Load generator, gateway and workers run on separate event loops, as they would in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type DatabaseHandle } from '../../db';
import { flowDataConverter } from '../../security/data-converter';
import { generateKeySpec } from '../../security/payload-codec';
import { generateInventory } from '../../tests/fixtures/generate';
import { operatorKey } from '../../tests/support/api-client';
import { loadClient, type LoadClient } from './load-client';
import { buildCompiled, compiledEntry } from './compiled';
import { spawnService, startGateway, waitForWorker, type GatewayProcess, type ServiceEnv, type ServiceProcess } from '../../tests/support/processes';
import { VISIBILITY_UPDATES, type VisibilityUpdates } from '../../workflows/vocabulary';
import { buildBundles, type Bundles } from './bundles';
import type { ProcessGroups } from './cpu';
import { startEnvironment, type BenchEnvironment, type DevServerChoice } from './environment';

/** `noop`: the real engine with no-op phase activities (orchestration only); `real`: `npm run worker` itself. */
export type PlatformWorkerKind = 'noop' | 'real';

/** A model endpoint for the platform worker's agents, and the request quota it is given (MFO_AGENT_REQUESTS_PER_MINUTE). */
export interface ModelEndpoint {
  baseUrl: string;
  requestsPerMinute: number;
}

export interface BenchContext {
  quick: boolean;
  /**
   * Scenario 4's number of parked flows per side (--gate-flows; 10,000 by default, 300 quick). A side's workers
   * together cache that many flows and some more (MFO_MAX_CACHED_WORKFLOWS, split between them), so parked flows
   * resume without replaying their history, as README's operator recipe for many parked flows advises; the other
   * scenarios never have more than a few hundred flows open, so the size changes nothing for them.
   */
  gateFlows: number;
  /** Worker processes per side (--workers, default 1), each polling its side's queue and caching its share of flows. */
  workers: number;
  /**
   * Rounds of scenario 3 and of scenario 2's start path alone (--rounds, default 1): each round measures both sides,
   * alternating which goes first.
   */
  rounds: number;
  env: BenchEnvironment;
  bundles: Bundles;
  connection: Connection;
  /** Decrypts platform payloads: for observing flows (results, histories), never on the measured path. */
  platformClient: Client;
  /** Plain client: the raw baseline is driven through it directly. */
  rawClient: Client;
  db: DatabaseHandle;
  gateway: GatewayProcess;
  api: LoadClient;
  tenant: string;
  /** A 20-server import: Discovery flows need one to start; flows on no-op activities never read it. */
  importId: string;
  queues: { platform: string; raw: string };
  platformService: ServiceEnv;
  /**
   * Runs the platform worker of this kind, its agents answered by this model endpoint (unset: the offline rules
   * provider, which sends no requests), stopping another one first.
   */
  usePlatformWorker(kind: PlatformWorkerKind, model?: ModelEndpoint): Promise<void>;
  /**
   * Runs `measure` with every worker process stopped (flows started meanwhile wait on their queues), then starts
   * them again: what is measured then is the start path alone, not the machine's capacity to run flows.
   */
  withoutWorkers<T>(measure: () => Promise<T>): Promise<T>;
  /** Starts a worker process of this entry on the service's queue and waits until it polls. */
  startWorker(entry: string, service: ServiceEnv, options?: { activitiesOnly?: boolean; extraEnv?: Record<string, string> }): Promise<ServiceProcess>;
  /** The processes of this run by role (for CPU accounting); each side's workers form one group; `runner` is this process. */
  processes(): ProcessGroups & { gateway: number; platformWorker: number[]; rawWorker: number[] };
  stop(): Promise<void>;
}

export interface ContextOptions {
  quick: boolean;
  gateFlows: number | null;
  /** Worker processes per side (--workers). */
  workers: number;
  rounds: number;
  /** Write a V8 CPU profile of the gateway and each worker process here when it stops (--cpu-prof DIR). */
  cpuProfileDir: string | null;
  /** Append each service's log here (--logs DIR): gateway.log, and <task queue>.log per worker; otherwise discarded. */
  logDir: string | null;
  /** Extra Node flags for the gateway and worker processes (--node-arg, repeatable), e.g. --trace-gc. */
  nodeArgs: string[];
  /**
   * A Temporal server to measure against instead of a fresh dev server (--temporal-address): e.g. one backed by
   * PostgreSQL, as in docker-compose.temporal.yml. Its namespace must have the platform's search attributes.
   */
  temporalAddress: string | null;
  /** Where a fresh dev server keeps its state (--dev-server-store), and its metrics port; unused with temporalAddress. */
  devServer: DevServerChoice;
  /** Processes of that server on this machine whose CPU is counted, by role (--count-pid role=PID, repeatable). */
  countedPids: Record<string, number>;
  /** The gateway's MFO_VISIBILITY_UPDATES for the platform's flows (--visibility-updates); null: its default. */
  visibilityUpdates: VisibilityUpdates | null;
  /** Run the gateway and workers compiled (--compiled, see compiled.ts); otherwise through tsx. */
  compiled: boolean;
}

/** Cache beyond scenario 4's parked flows: its predecessor flow, and flows other scenarios leave open. */
const CACHE_HEADROOM = 1_000;

/** --visibility-updates: one of the gateway's values, or null for its default. */
export function visibilityUpdatesOption(value: string | undefined): VisibilityUpdates | null {
  if (value === undefined) return null;
  if (!(VISIBILITY_UPDATES as readonly string[]).includes(value)) throw new Error(`--visibility-updates wants ${VISIBILITY_UPDATES.join(' or ')}, got '${value}'`);
  return value as VisibilityUpdates;
}

/** A context for a tool that needs the bench's services but none of `npm run bench`'s flags (bench:gateway, bench:server-growth). */
export const toolContextOptions = (devServer: DevServerChoice): ContextOptions => ({
  quick: true,
  gateFlows: null,
  workers: 1,
  rounds: 1,
  cpuProfileDir: null,
  logDir: null,
  nodeArgs: [],
  temporalAddress: null,
  devServer,
  countedPids: {},
  visibilityUpdates: null,
  compiled: false,
});

export async function createContext(options: ContextOptions): Promise<BenchContext> {
  const gateFlows = options.gateFlows ?? (options.quick ? 300 : 10_000);
  if (options.compiled) buildCompiled();
  const entryOf = (entry: string) => (options.compiled ? compiledEntry(entry) : entry);
  const env = await startEnvironment({ temporalAddress: options.temporalAddress ?? undefined, databaseUrl: process.env.DATABASE_URL }, options.devServer);
  const bundles = await buildBundles(env.tempDir);
  const payloadKeys = generateKeySpec('bench');
  const queues = { platform: 'bench-platform', raw: 'bench-raw' };
  const platformService: ServiceEnv = {
    temporalAddress: env.temporalAddress,
    databaseUrl: env.databaseUrl,
    taskQueue: queues.platform,
    payloadKeys,
    workflowBundle: bundles.platform,
    // Flows spread evenly over a side's workers (whichever polls first takes a flow's first task), give or take a few dozen.
    maxCachedWorkflows: Math.ceil(gateFlows / options.workers) + CACHE_HEADROOM,
  };
  const rawService: ServiceEnv = { ...platformService, taskQueue: queues.raw, workflowBundle: bundles.raw };

  const connection = await Connection.connect({ address: env.temporalAddress });
  const platformClient = new Client({ connection, dataConverter: flowDataConverter(payloadKeys) });
  const rawClient = new Client({ connection });
  const db = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: 'memory://', poolSize: 2 });

  const profileArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
  const nodeArgs = [...profileArgs, ...options.nodeArgs];
  if (options.logDir) fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = (role: string) => (options.logDir ? path.join(options.logDir, `${role}.log`) : undefined);
  const startWorker: BenchContext['startWorker'] = async (entry, service, workerOptions = {}) => {
    // A worker's log is named after its task queue: workers of a queue (restarted or not) share one file.
    const worker = spawnService(entryOf(entry), service, { extraEnv: workerOptions.extraEnv, nodeArgs, logFile: logFile(service.taskQueue) });
    await waitForWorker(connection, service.taskQueue, worker.child.pid!, { activitiesOnly: workerOptions.activitiesOnly });
    return worker;
  };
  // One after another: each waits until its own process polls.
  const startWorkers = async (start: () => Promise<ServiceProcess>): Promise<ServiceProcess[]> => {
    const started: ServiceProcess[] = [];
    for (let i = 0; i < options.workers; i++) started.push(await start());
    return started;
  };
  const stopAll = (workers: ServiceProcess[]) => Promise.all(workers.map((w) => w.stop()));
  const startRawWorkers = () => startWorkers(() => startWorker('bench/workers/raw-worker.ts', rawService));
  let rawWorkers = await startRawWorkers();
  let platformWorkers: { key: string; start: () => Promise<ServiceProcess[]>; processes: ServiceProcess[] } | null = null;

  const gatewayEnv = options.visibilityUpdates ? { MFO_VISIBILITY_UPDATES: options.visibilityUpdates } : undefined;
  const gateway = await startGateway(platformService, { entry: entryOf('api/main.ts'), nodeArgs, logFile: logFile('gateway'), extraEnv: gatewayEnv });
  const tenant = 'bench';
  const api = loadClient(gateway.baseUrl, await operatorKey(db.db, tenant, 'bench'));
  const upload = await api.request('POST', '/imports?filename=bench.csv', generateInventory({ seed: 1, servers: 20, applications: 4 }).cmdbCsv);
  if (upload.status !== 201) throw new Error(`bench import failed: ${upload.status} ${JSON.stringify(upload.body)}`);

  const context: BenchContext = {
    quick: options.quick,
    gateFlows,
    workers: options.workers,
    rounds: options.rounds,
    env,
    bundles,
    connection,
    platformClient,
    rawClient,
    db,
    gateway,
    api,
    tenant,
    importId: upload.body.id,
    queues,
    platformService,
    startWorker,
    async usePlatformWorker(kind, model) {
      const key = `${kind}/${model ? `${model.baseUrl}@${model.requestsPerMinute}` : 'offline'}`;
      if (platformWorkers?.key === key) return;
      if (platformWorkers) await stopAll(platformWorkers.processes);
      const entry = kind === 'noop' ? 'bench/workers/noop-platform-worker.ts' : path.join('workers', 'main.ts');
      const service = model ? { ...platformService, agentRequestsPerMinute: model.requestsPerMinute } : platformService;
      const start = () => startWorkers(() => startWorker(entry, service, { extraEnv: model ? { OPENAI_BASE_URL: model.baseUrl } : undefined }));
      platformWorkers = { key, start, processes: await start() };
    },
    async withoutWorkers(measure) {
      const platform = platformWorkers!;
      await Promise.all([stopAll(platform.processes), stopAll(rawWorkers)]);
      try {
        return await measure();
      } finally {
        rawWorkers = await startRawWorkers();
        platform.processes = await platform.start();
      }
    },
    processes: () => ({
      ...env.pids,
      ...options.countedPids,
      gateway: gateway.child.pid!,
      platformWorker: platformWorkers!.processes.map((w) => w.child.pid!),
      rawWorker: rawWorkers.map((w) => w.child.pid!),
      runner: process.pid,
    }),
    async stop() {
      if (platformWorkers) await stopAll(platformWorkers.processes);
      await stopAll(rawWorkers);
      await api.close();
      await gateway.stop();
      await connection.close();
      await db.close();
      await env.stop();
    },
  };
  await context.usePlatformWorker('noop');
  return context;
}
