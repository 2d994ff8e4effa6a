/**
 * A real platform for one test file: the suite's Temporal dev server and PostgreSQL, a worker on a task queue of
 * its own (so files never pick up each other's flows), and the real gateway on an ephemeral port, spoken to
 * over HTTP.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../config/logger';
import { ensureTenant, issueKey } from '../../api/key-store';
import type { Role } from '../../api/keys';
import { openDatabase, type DatabaseHandle } from '../../db';
import { PROJECT_ROOT, requireTemporalCli } from '../../scripts/temporal-cli';
import type { FlowState } from '../../workflows/messages';
import { createFlowWorker, type FlowWorkers } from '../../workers/worker';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';
import { flowDataConverter } from '../../security/data-converter';
import { AesGcmPayloadCodec } from '../../security/payload-codec';

/** `npm run histories` keeps the replay corpus in tests/histories/ current with the flows the tests run. */
export function captureHistory(flowId: string, name: string): void {
  if (!process.env.MFO_CAPTURE_HISTORIES) return;
  // The temporal CLI writes the canonical JSON form that Worker.runReplayHistories reads.
  const json = execFileSync(requireTemporalCli(), ['workflow', 'show', '--workflow-id', flowId, '--address', readTestEnvironment().temporalAddress, '--output', 'json']);
  fs.writeFileSync(path.join(PROJECT_ROOT, 'tests', 'histories', `${name}.json`), json);
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  raw?: string;
  contentType?: string;
  /** The tenant whose key signs the request (default `default`); the key is issued on first use. */
  tenant?: string;
  /** The key's name, which is the actor recorded on everything the request does (default `tester`). */
  actor?: string;
  role?: Role;
  /** An explicit key (e.g. the admin key), or null to send none. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface Platform {
  config: Config;
  adminKey: string;
  /** The key the harness signs requests with for (tenant, actor, role), issued on first use. */
  keyFor(tenant: string, actor: string, role: Role): Promise<string>;
  baseUrl: string;
  client: Client;
  db: DatabaseHandle;
  api<T = any>(method: string, urlPath: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** A worker in its own OS process, for crash tests: `npm run worker` exactly as an operator runs it. */
  spawnWorkerProcess(): ChildProcess;
  waitForFlow(flowId: string, predicate: (s: FlowState) => boolean, options?: { timeoutMs?: number; tenant?: string }): Promise<FlowState>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  worker?: boolean;
  /** Key ring for payload encryption (default: the suite's test ring). */
  payloadKeys?: string;
  /** Reuse a task queue, e.g. to continue another platform's flows after a restart. */
  taskQueue?: string;
  rateLimitPerMinute?: number;
  /** Extra settings for the worker and gateway, e.g. OPENAI_BASE_URL pointing at a fake model server. */
  env?: Record<string, string>;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const env = readTestEnvironment();
  // A developer's own OpenAI settings must never reach the suite: every model call here goes to a fake server.
  const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...inherited } = process.env;
  const processEnv = {
    ...inherited,
    TEMPORAL_ADDRESS: env.temporalAddress,
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_TASK_QUEUE: options.taskQueue ?? `test-${randomUUID().slice(0, 8)}`,
    MFO_PAYLOAD_KEYS: options.payloadKeys ?? TEST_PAYLOAD_KEYS,
    MFO_FAULT_INJECTION: 'true',
    MFO_WORKFLOW_BUNDLE: env.workflowBundlePath,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const adminKey = randomBytes(32).toString('base64url');
  const config = loadConfig({ ...processEnv, MFO_ADMIN_KEY: adminKey, MFO_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 100_000) });
  const logger = createLogger(config, 'test');
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: 'memory://', poolSize: 5 });

  const keys = new Map<string, string>();
  async function keyFor(tenant: string, actor: string, role: Role): Promise<string> {
    const id = `${tenant}/${actor}/${role}`;
    if (!keys.has(id)) {
      await ensureTenant(db.db, tenant, tenant, 'test-harness');
      keys.set(id, (await issueKey(db.db, tenant, actor, role, 'test-harness')).key);
    }
    return keys.get(id)!;
  }
  const connection = await Connection.connect({ address: env.temporalAddress });
  const payloadKeys = config.MFO_PAYLOAD_KEYS!;
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: flowDataConverter(payloadKeys) });

  let worker: { instance: FlowWorkers; done: Promise<void>; connection: NativeConnection } | null = null;
  const children: ChildProcess[] = [];

  const server: Server = await new Promise((resolve) => {
    const s = createApp({ config, client, db: db.db, logger, codec: AesGcmPayloadCodec.fromSpec(payloadKeys) }).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const platform: Platform = {
    config,
    adminKey,
    keyFor,
    baseUrl,
    client,
    db,
    async api(method, urlPath, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? await keyFor(opts.tenant ?? 'default', opts.actor ?? 'tester', opts.role ?? 'operator') : opts.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        headers['content-type'] = opts.contentType ?? 'text/csv';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${baseUrl}/api/v1${urlPath}`, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async startWorker() {
      if (worker) return;
      const workerConnection = await NativeConnection.connect({ address: env.temporalAddress });
      const instance = await createFlowWorker({ config, connection: workerConnection, db: db.db, logger, payloadKeys, workflowBundlePath: env.workflowBundlePath });
      worker = { instance, done: instance.run(), connection: workerConnection };
    },
    async stopWorker() {
      if (!worker) return;
      const current = worker;
      worker = null;
      current.instance.shutdown();
      await current.done;
      await current.connection.close();
    },
    spawnWorkerProcess() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
        cwd: PROJECT_ROOT,
        env: processEnv,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    },
    async waitForFlow(flowId, predicate, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
      let last: FlowState | null = null;
      let lastFailure: ApiResponse | null = null;
      while (Date.now() < deadline) {
        const res = await platform.api<FlowState>('GET', `/flows/${flowId}`, { tenant: opts.tenant ?? flowId.split('.')[0] });
        if (res.status === 200) {
          last = res.body;
          if (predicate(last)) return last;
        } else {
          lastFailure = res;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`flow ${flowId} did not reach the expected state; last: ${JSON.stringify(last && { status: last.status, currentPhase: last.currentPhase, phases: last.phases.map((p) => `${p.name}:${p.status}`), lastError: last.lastError })}; last failed query: ${JSON.stringify(lastFailure)}`);
    },
    async stop() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await platform.stopWorker();
      await new Promise((r) => server.close(r));
      await connection.close();
      await db.close();
    },
  };
  if (options.worker !== false) await platform.startWorker();
  return platform;
}
