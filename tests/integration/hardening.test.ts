/**
 * Hardening: malformed bodies, ids and headers on every route never produce a 5xx or a stack trace; security
 * headers are set; oversized bodies are refused; each key is rate limited; a missing worker or an unreachable
 * Temporal is a 503 that says which and what to do.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { CONTROL_ACTIONS } from '../../api/schemas';
import { createLogger } from '../../config/logger';
import { AesGcmPayloadCodec } from '../../security/payload-codec';
import { startPlatform, type Platform } from './harness';
import { readTestEnvironment } from '../setup/env';
import { startTcpProxy } from '../support/tcp-proxy';
import { flowDataConverter } from '../../security/data-converter';

let platform: Platform;
const tenant = `fz-${Date.now().toString(36)}`;
let flowId: string;

/** One route of the real app, its path in OpenAPI form (`/flows/{flowId}`). */
interface Route {
  method: string;
  path: string;
}

/** The parts of Express 5's router layers the walk reads (`router` 2.x keeps a `use` layer's mount path in rawPath). */
interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route the app serves under /api/v1, walked from its router stack (nested routers included), so a route added
 * to api/routes/ shows up here without anyone listing it. `:x` becomes `{x}`; the control-action route, one handler
 * for `/flows/:flowId/:action`, is expanded to the actions it accepts, which the document lists one by one because
 * each has its own body schema.
 */
function servedRoutes(app: Express): Route[] {
  const found: Route[] = [];
  const join = (prefix: string, p: string) => `${prefix}/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of ([] as string[]).concat(layer.route.path)) {
          for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), path: join(prefix, p).replace(/:(\w+)/g, '{$1}') });
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        for (const p of ([] as string[]).concat(layer.rawPath ?? '/')) walk(layer.handle.stack, join(prefix, p));
      }
    }
  };
  walk((app.router as unknown as { stack: Layer[] }).stack, '');
  return found
    .filter((r) => r.path.startsWith('/api/v1/'))
    .map((r) => ({ ...r, path: r.path.slice('/api/v1'.length) }))
    .flatMap((r) => (r.path === '/flows/{flowId}/{action}' ? CONTROL_ACTIONS.map((a) => ({ ...r, path: `/flows/{flowId}/${a}` })) : [r]));
}

/** A fresh instance of the gateway the harness serves, built by the same factory (to walk its routes, or over another Temporal client). */
function gatewayApp(client: Client = platform.client, config = platform.config): Express {
  return createApp({ config, client, db: platform.db.db, logger: createLogger(config, 'test'), codec: AesGcmPayloadCodec.fromSpec(config.MFO_PAYLOAD_KEYS!) });
}

/** Such a gateway listening on an ephemeral loopback port. */
async function serveGateway(client: Client, config = platform.config): Promise<{ baseUrl: string; close(): void }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = gatewayApp(client, config).listen(0, '127.0.0.1', () => resolve(s));
  });
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Values for every path parameter (ids that exist for `tenant`); a route with a parameter not named here fails the test. */
function concreteUrl(route: Route, ids: Record<string, string>): string {
  const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no fuzzing value for path parameter {${name}} of ${route.method} ${route.path}: add one`);
    return ids[name];
  });
  const query: Record<string, string> = { '/imports': route.method === 'POST' ? '?filename=x.csv' : '', '/flows': route.method === 'GET' ? '?type=discovery&status=running' : '' };
  return url + (query[route.path] ?? '');
}

const nastyIds = ['', '..%2F..%2Fetc%2Fpasswd', '%00', 'a'.repeat(5000), '%F0%9F%92%A9', "'; drop table assets; --", `${tenant}.discovery.`, '%E0%A4%A'];
const nastyBodies = ['{', '[]', 'null', '"x"', '{"flowType":{"$ne":1}}', JSON.stringify({ input: 'x'.repeat(100_000) }), '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', '\u0000\u0001'];

beforeAll(async () => {
  platform = await startPlatform();
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant });
  flowId = (await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id } } })).body.flowId;
});
afterAll(async () => {
  await platform?.stop();
});

async function send(method: string, url: string, body: string | undefined, headers: Record<string, string>) {
  const res = await fetch(`${platform.baseUrl}/api/v1${url}`, { method, body: method === 'GET' || method === 'DELETE' ? undefined : body, headers });
  const text = await res.text();
  return { status: res.status, text };
}

test('malformed bodies, ids and headers on every route: no 5xx, no stack traces', async () => {
  const operator = await platform.api('GET', '/flows', { tenant }); // issues the tenant's operator key
  expect(operator.status).toBe(200);
  const key = `Bearer ${await keyOf()}`;
  const ids = fuzzIds();
  const failures: string[] = [];
  const check = async (method: string, url: string, body: string | undefined, headers: Record<string, string>) => {
    const res = await send(method, url, body, headers);
    if (res.status >= 500 || /\n\s+at /.test(res.text)) failures.push(`${method} ${url.slice(0, 80)} → ${res.status} ${res.text.slice(0, 120)}`);
  };
  const routes = servedRoutes(gatewayApp());
  expect(routes.length).toBeGreaterThan(30);
  for (const route of routes) {
    const method = route.method;
    const url = concreteUrl(route, ids);
    for (const body of nastyBodies) await check(method, url, body, { authorization: key, 'content-type': 'application/json' });
    await check(method, url, 'a,b\n"1', { authorization: key, 'content-type': 'text/csv' });
    for (const id of nastyIds) await check(method, url.replace(flowId, id).replace(ids.scheduleId, id), '{}', { authorization: key, 'content-type': 'application/json' });
    for (const auth of ['Bearer', 'Bearer ', 'Basic abc', `Bearer ${'x'.repeat(10_000)}`, 'Bearer mfo.' + 'f'.repeat(36) + '.x']) {
      await check(method, url, '{}', { authorization: auth, 'content-type': 'application/json' });
    }
    await check(method, url, '{}', { authorization: key, 'x-tenant-id': '../../x', 'content-type': 'application/json' });
    for (const idempotencyKey of ['', 'a b', 'ü', 'x'.repeat(300)]) await check(method, url, '{}', { authorization: key, 'idempotency-key': idempotencyKey, 'content-type': 'application/json' });
    await check(method, url, '{}', { authorization: key, 'content-type': 'application/x-www-form-urlencoded' });
  }
  expect(failures).toEqual([]);
});

test('random JSON bodies on the start and control routes are answered with 4xx problems', async () => {
  const key = `Bearer ${await keyOf()}`;
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('/flows', `/flows/${flowId}/reject`, `/flows/${flowId}/input`, '/schedules', '/programmes'), async (value, url) => {
      const res = await send('POST', url, JSON.stringify(value), { authorization: key, 'content-type': 'application/json' });
      return res.status < 500 && !/\n\s+at /.test(res.text);
    }),
    { numRuns: 60 },
  );
});

test('security headers are set and oversized JSON bodies are refused with 413', async () => {
  const res = await fetch(`${platform.baseUrl}/api/v1/flow-types`, { headers: { authorization: `Bearer ${await keyOf()}` } });
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age/);
  expect(res.headers.get('x-powered-by')).toBeNull();
  const big = await send('POST', '/flows', JSON.stringify({ flowType: 'discovery', input: { x: 'y'.repeat(2_000_000) } }), {
    authorization: `Bearer ${await keyOf()}`,
    'content-type': 'application/json',
  });
  expect(big.status).toBe(413);
});

test('each key is rate limited per gateway instance', async () => {
  const limited = await startPlatform({ worker: false, rateLimitPerMinute: 5 });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await limited.api('GET', '/flow-types', { tenant, actor: 'burst' })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another key is unaffected.
    expect((await limited.api('GET', '/flow-types', { tenant, actor: 'calm' })).status).toBe(200);
  } finally {
    await limited.stop();
  }
});

test('with no worker polling, reading an open flow or programme is a 503 naming the task queue; with Temporal unreachable, a 503 saying so', async () => {
  const idle = await startPlatform({ worker: false });
  try {
    const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
    const importId = (await idle.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant })).body.id;
    const flow = await idle.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId } } });
    const programme = await idle.api('POST', '/programmes', { tenant, body: { importId } });
    expect([flow.status, programme.status]).toEqual([201, 201]);
    for (const url of [`/flows/${flow.body.flowId}`, `/programmes/${programme.body.programmeId}`]) {
      const res = await fetch(`${idle.baseUrl}/api/v1${url}`, { headers: { authorization: `Bearer ${await idle.keyFor(tenant, 'tester', 'operator')}` } });
      const problem = (await res.json()) as { detail: string };
      expect({ url, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ url, status: 503, retryAfter: '5' });
      expect(problem.detail).toContain(`is intact but cannot be read right now: no worker is polling its task queue ${idle.config.TEMPORAL_TASK_QUEUE}`);
    }
    // Neither may run when a later worker polls this queue.
    for (const id of [flow.body.flowId, programme.body.programmeId]) await idle.client.workflow.getHandle(id).terminate('test done');
  } finally {
    await idle.stop();
  }

  // The same gateway over a Temporal that refuses connections (no client retries, so the answer comes at once).
  const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', interceptors: [] }) });
  const gateway = await serveGateway(unreachable);
  try {
    const res = await fetch(`${gateway.baseUrl}/api/v1/flows/${flowId}`, { headers: { authorization: `Bearer ${await keyOf()}` } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toBe('Temporal is not reachable right now; nothing was changed, retry shortly');
  } finally {
    gateway.close();
    await unreachable.connection.close();
  }
});

test('with Temporal cut off by the network (requests dropped, not refused), every request is a 503 after MFO_TEMPORAL_TIMEOUT_MS, and an unconfirmed write says it may have taken effect', async () => {
  const importId = (await platform.api('POST', '/imports?filename=cmdb.csv', { raw: fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8'), tenant })).body.id;
  const proxy = await startTcpProxy(readTestEnvironment().temporalAddress);
  const connection = await Connection.connect({ address: proxy.address });
  const config = { ...platform.config, MFO_TEMPORAL_TIMEOUT_MS: 1_000 };
  const gateway = await serveGateway(new Client({ connection, dataConverter: flowDataConverter(config.MFO_PAYLOAD_KEYS!) }), config);
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const t = Date.now();
    const res = await fetch(`${gateway.baseUrl}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${await keyOf()}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, detail: ((await res.json()) as { detail: string }).detail, seconds: (Date.now() - t) / 1000 };
  };
  try {
    expect((await call('GET', `/flows/${flowId}`)).status).toBe(200);
    proxy.mode = 'drop-requests';
    // Without the bound these wait for the client's keepalive (30 s + 15 s) and then its retries: the 30 s here is
    // a margin over the 1 s bound, not a speed target.
    const reads = [await call('GET', `/flows/${flowId}`), await call('GET', '/flows')];
    for (const read of reads) expect(read).toMatchObject({ status: 503, detail: 'Temporal is not reachable right now; nothing was changed, retry shortly' });
    const discovery = { flowType: 'discovery', input: { importId }, options: { autoApprove: true } };
    const unkeyed = await call('POST', '/flows', discovery);
    expect(unkeyed.status).toBe(503);
    expect(unkeyed.detail).toMatch(new RegExp(`^Temporal did not confirm the start of ${tenant}\\.discovery\\.[0-9a-f-]{36} within 1 s; it may have been recorded\\. To find out, GET it before starting again`));
    const keyed = await call('POST', '/flows', discovery, { 'idempotency-key': `cut-off-${Date.now()}` });
    expect(keyed.status).toBe(503);
    expect(keyed.detail).toContain('retry with the same Idempotency-Key: you get it if it was started, and it is started if not, never twice');
    // Any other write: a programme's cancel, which Temporal may have received.
    const cancel = await call('POST', `/programmes/${tenant}.programme.${randomUUID()}/cancel`);
    expect(cancel).toMatchObject({ status: 503, detail: 'Temporal did not confirm this change in time; it may have taken effect: read it back before retrying' });
    for (const answer of [...reads, unkeyed, keyed, cancel]) expect(answer.seconds).toBeLessThan(30);
  } finally {
    gateway.close();
    await connection.close();
    await proxy.close();
  }
});

/** Existing ids of `tenant` for each path parameter of the gateway's routes. */
function fuzzIds(): Record<string, string> {
  return {
    flowId,
    programmeId: flowId,
    scheduleId: `${tenant}.schedule.x`,
    importId: '00000000-0000-4000-8000-000000000000',
    phase: 'data_import',
    ref: 'asset%3Ax',
    action: 'trigger',
    tenantId: tenant,
    keyId: flowId,
  };
}

/** The operator key the harness issued for this tenant (read back through a request it signs). */
async function keyOf(): Promise<string> {
  return platform.keyFor(tenant, 'tester', 'operator');
}

test('a control message no worker acts on is a 503 after MFO_CONTROL_TIMEOUT_MS naming its update id; retried with that id once a worker is back, it took effect once', async () => {
  const idle = await startPlatform({ worker: false, env: { MFO_CONTROL_TIMEOUT_MS: '2000' } });
  try {
    const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
    const importId = (await idle.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant })).body.id;
    const flowId: string = (await idle.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId } } })).body.flowId;

    const pause = {};
    const first = await idle.api('POST', `/flows/${flowId}/pause`, { tenant, body: pause });
    expect(first.status).toBe(503);
    const updateId = first.headers.get('idempotency-key');
    expect(updateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers.get('retry-after')).toBe('5');
    expect(first.body.detail).toContain(`the pause was not confirmed within 2 s`);
    expect(first.body.detail).toContain(`Idempotency-Key: ${updateId}`);
    expect(await (await fetch(`${idle.baseUrl}/metrics`)).text()).toContain('mfo_control_messages_total{action="pause",outcome="unconfirmed"} 1');

    // The server kept the update: a worker's first task for the flow applies it.
    await idle.startWorker();
    await idle.waitForFlow(flowId, (s) => s.status === 'paused');
    const retried = await idle.api('POST', `/flows/${flowId}/pause`, { tenant, body: pause, headers: { 'idempotency-key': updateId! } });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('paused');
    const events = (await idle.client.workflow.getHandle(flowId).fetchHistory()).events ?? [];
    const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest?.meta?.updateId);
    expect(accepted).toEqual([updateId]);
    await idle.client.workflow.getHandle(flowId).terminate('test done');
  } finally {
    await idle.stop();
  }
});

test('readiness checks Temporal and the database; metrics are Prometheus text with route templates, not ids', async () => {
  const ready = await fetch(`${platform.baseUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', database: 'ok' } });

  await platform.api('GET', `/flows/${flowId}`, { tenant });
  await platform.api('POST', `/flows/${flowId}/resume`, { tenant, body: {} }); // rejected: the flow is not paused
  const text = await (await fetch(`${platform.baseUrl}/metrics`)).text();
  expect(text).toMatch(/mfo_flows_started_total\{flow_type="discovery"\} [1-9]/);
  expect(text).toMatch(/mfo_control_messages_total\{action="resume",outcome="rejected"\} [1-9]/);
  expect(text).toMatch(/mfo_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/flows\/:flowId",status="200"\} [1-9]/);
  expect(text).not.toContain(flowId);
});

test('OpenAPI 3.1 at /openapi.json documents exactly the routes the app serves, with request schemas from the zod schemas; /docs serves Swagger UI', async () => {
  const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, any>> };
  expect(doc.openapi).toBe('3.1.0');
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  const served = servedRoutes(gatewayApp()).map((r) => `${r.method} ${r.path}`);
  // Both ways: a served route missing from the document, and a documented route nothing serves.
  expect({ undocumented: served.filter((r) => !documented.includes(r)), unserved: documented.filter((r) => !served.includes(r)) }).toEqual({ undocumented: [], unserved: [] });
  expect(served).toEqual(expect.arrayContaining(['GET /usage', 'PATCH /tenants/{tenantId}', 'GET /tenants/{tenantId}/keys', 'POST /tenants/{tenantId}/engagements']));
  const start = doc.paths['/flows'].post.requestBody.content['application/json'].schema;
  expect(start.properties.flowType.enum).toEqual(expect.arrayContaining(['discovery', 'assessment', 'decommission']));
  expect(doc.paths['/flows/{flowId}/reject'].post.requestBody.content['application/json'].schema.required).toContain('feedback');

  const docs = await fetch(`${platform.baseUrl}/docs/`);
  expect(docs.status).toBe(200);
  expect(await docs.text()).toContain('swagger-ui');
  expect((await fetch(`${platform.baseUrl}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  expect(await (await fetch(`${platform.baseUrl}/docs/swagger-initializer.js`)).text()).toContain('/openapi.json');
});
