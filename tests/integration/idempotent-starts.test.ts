/**
 * Idempotency-Key on flow starts, through the real gateway, Temporal and PostgreSQL: a start retried with its key
 * (one after another, concurrently, after the flow completed, or after a gateway died between claiming the key and
 * starting) is answered with the flow the key started and starts no other; a key reused for a different request
 * is refused; a malformed key is a 400 naming the header; a request that fails validation leaves its key unused; a
 * key past its retention is free again, and pruning deletes only such keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { flowStartKeys } from '../../db/schema';
import { FlowStartKeys, requestDigest } from '../../api/idempotency';
import { startFlowSchema } from '../../api/schemas';
import { flowWorkflowId } from '../../workflows/start-options';
import { startPlatform, type ApiResponse, type Platform } from './harness';

let platform: Platform;
const tenant = `idem-${Date.now().toString(36)}`;
let importId: string;

const discovery = (options: Record<string, unknown> = { autoApprove: true }) => ({ flowType: 'discovery', input: { importId }, options });
const start = (key: string | null, body: unknown, forTenant = tenant): Promise<ApiResponse> =>
  platform.api('POST', '/flows', { tenant: forTenant, body, headers: key === null ? {} : { 'idempotency-key': key } });
const replayed = (res: ApiResponse) => res.headers.get('idempotent-replayed') === 'true';

async function claims(key: string): Promise<{ flowId: string }[]> {
  return platform.db.db.select({ flowId: flowStartKeys.flowId }).from(flowStartKeys).where(and(eq(flowStartKeys.tenantId, tenant), eq(flowStartKeys.key, key)));
}

/** The tenant's executions under a flow-id prefix, from Temporal itself; polled because visibility lags a little. */
async function executionsWithId(flowIds: string[], expected: number): Promise<number> {
  const query = `TenantId = '${tenant}' AND (${flowIds.map((id) => `WorkflowId = '${id}'`).join(' OR ')})`;
  let count = 0;
  for (let i = 0; i < 50; i++) {
    count = (await platform.client.workflow.count(query)).count;
    if (count >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}

beforeAll(async () => {
  platform = await startPlatform();
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  importId = (await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant })).body.id;
});

afterAll(async () => {
  await platform?.stop();
});

test('a start retried with its key gets the same flow, before and after the flow completes, and starts no other', async () => {
  const key = randomUUID();
  const first = await start(key, discovery());
  expect(first.status).toBe(201);
  expect(replayed(first)).toBe(false);
  const again = await start(key, discovery());
  expect(again.status).toBe(201);
  expect(replayed(again)).toBe(true);
  expect(again.body).toEqual(first.body);
  expect(again.headers.get('location')).toBe(`/api/v1/flows/${first.body.flowId}`);

  await platform.waitForFlow(first.body.flowId, (s) => s.status === 'completed', { timeoutMs: 90_000 });
  const afterCompletion = await start(key, discovery());
  expect(afterCompletion.status).toBe(201);
  expect(afterCompletion.body).toMatchObject({ flowId: first.body.flowId, runId: first.body.runId });

  expect(await claims(key)).toEqual([{ flowId: first.body.flowId }]);
  // The tenant's only flow so far, as Temporal's visibility sees it.
  expect((await platform.client.workflow.count(`TenantId = '${tenant}'`)).count).toBe(1);
});

test('concurrent requests with one key start one flow, and exactly one of them is the original', async () => {
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 6 }, () => start(key, discovery())));
  expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
  const flowIds = new Set(answers.map((a) => a.body.flowId));
  expect(flowIds.size).toBe(1);
  expect(answers.filter((a) => !replayed(a))).toHaveLength(1);
  expect(await claims(key)).toHaveLength(1);
  expect(await executionsWithId([...flowIds], 1)).toBe(1);
});

test('a key reused for a different request is refused with 422, naming the header and the flow it started', async () => {
  const key = randomUUID();
  const first = await start(key, discovery({ autoApprove: true }));
  expect(first.status).toBe(201);
  for (const other of [discovery({ autoApprove: false }), { flowType: 'assessment', input: { discoveryFlowId: first.body.flowId } }]) {
    const res = await start(key, other);
    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([{ field: 'header idempotency-key', rule: 'reused', message: expect.stringContaining(first.body.flowId) }]);
  }
  // The same body with its keys in another order is the same request.
  const reordered = await start(key, { options: { autoApprove: true }, input: { importId }, flowType: 'discovery' });
  expect(reordered.status).toBe(201);
  expect(reordered.body.flowId).toBe(first.body.flowId);
  // Keys are per tenant: another tenant's identical key is its own.
  const otherTenant = `${tenant}-b`;
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const otherImport = (await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant: otherTenant })).body.id;
  const theirs = await start(key, { flowType: 'discovery', input: { importId: otherImport }, options: { autoApprove: true } }, otherTenant);
  expect(theirs.status).toBe(201);
  expect(replayed(theirs)).toBe(false);
  expect(theirs.body.flowId.startsWith(`${otherTenant}.`)).toBe(true);
});

test('a malformed key is a 400 naming the header, on starts and on control messages, and claims nothing', async () => {
  for (const bad of ['has space', 'x'.repeat(256), 'naïve']) {
    const res = await start(bad, discovery());
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ field: 'header idempotency-key' });
  }
  const control = await platform.api('POST', `/flows/${tenant}.discovery.${randomUUID()}/pause`, { tenant, body: {}, headers: { 'idempotency-key': 'has space' } });
  expect(control.status).toBe(400);
  expect(control.body.issues[0]).toMatchObject({ field: 'header idempotency-key' });
  expect(await claims('has space')).toEqual([]);
});

test('a start that fails validation leaves its key unused, so the corrected request can use it', async () => {
  const key = randomUUID();
  const wrong = await start(key, { flowType: 'discovery', input: { importId: randomUUID() } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.issues[0]).toMatchObject({ field: 'body.input.importId', rule: 'exists' });
  expect(await claims(key)).toEqual([]);
  const right = await start(key, discovery());
  expect(right.status).toBe(201);
  expect(replayed(right)).toBe(false);
});

test('a gateway that died between claiming a key and starting: the retry starts the flow under the claimed id', async () => {
  // What such a gateway leaves behind: the claim row, and no flow.
  const key = randomUUID();
  const body = discovery();
  const claimedFlowId = flowWorkflowId(tenant, 'discovery', randomUUID());
  await platform.db.db.insert(flowStartKeys).values({ tenantId: tenant, key, requestDigest: requestDigest(startFlowSchema.parse(body)), flowId: claimedFlowId, createdBy: 'tester' });
  expect(await executionsWithId([claimedFlowId], 0)).toBe(0);

  const retry = await start(key, body);
  expect(retry.status).toBe(201);
  expect(retry.body.flowId).toBe(claimedFlowId);
  const state = await platform.waitForFlow(claimedFlowId, (s) => s.status === 'completed', { timeoutMs: 90_000 });
  expect(state.input).toMatchObject({ importId });
  expect(await executionsWithId([claimedFlowId], 1)).toBe(1);
});

test('a key past its retention is free again: a start with it starts a new flow, and pruning deletes only expired keys', async () => {
  const backdate = (key: string) =>
    platform.db.db.execute(sql`update flow_start_keys set created_at = now() - interval '25 hours' where tenant_id = ${tenant} and key = ${key}`);
  const key = randomUUID();
  const first = await start(key, discovery());
  expect(first.status).toBe(201);
  await backdate(key); // the default retention is 24 hours

  // Another request under the expired key (a different body would be a 422 within the retention).
  const later = await start(key, discovery({ autoApprove: true, phaseRetry: { maximumAttempts: 2 } }));
  expect(later.status).toBe(201);
  expect(replayed(later)).toBe(false);
  expect(later.body.flowId).not.toBe(first.body.flowId);
  expect(await claims(key)).toEqual([{ flowId: later.body.flowId }]);
  expect(await executionsWithId([first.body.flowId, later.body.flowId], 2)).toBe(2);

  const [expired, fresh] = [randomUUID(), randomUUID()];
  expect((await start(expired, discovery())).status).toBe(201);
  expect((await start(fresh, discovery())).status).toBe(201);
  await backdate(expired);
  const pruned = await new FlowStartKeys(platform.db.db, 24 * 3_600_000, (err) => {
    throw err;
  }).prune();
  expect(pruned).toBeGreaterThanOrEqual(1);
  expect(await claims(expired)).toEqual([]);
  expect(await claims(fresh)).toHaveLength(1);
  expect(await claims(key)).toHaveLength(1);
});

test('a programme start retried with its key gets the same programme; a key already used for a flow start is refused', async () => {
  const key = randomUUID();
  const body = { importId, options: { autoApprove: false } };
  const post = (k: string, b: unknown) => platform.api('POST', '/programmes', { tenant, body: b, headers: { 'idempotency-key': k } });
  const first = await post(key, body);
  expect(first.status).toBe(201);
  expect(replayed(first)).toBe(false);
  const again = await post(key, body);
  expect(again.status).toBe(201);
  expect(replayed(again)).toBe(true);
  expect(again.body.programmeId).toBe(first.body.programmeId);
  expect(await claims(key)).toEqual([{ flowId: first.body.programmeId }]);
  expect((await post(key, { ...body, options: { autoApprove: true } })).status).toBe(422);

  const flowKey = randomUUID();
  expect((await start(flowKey, discovery())).status).toBe(201);
  const reused = await post(flowKey, body);
  expect(reused.status).toBe(422);
  expect(reused.body.issues[0]).toMatchObject({ field: 'header idempotency-key', rule: 'reused' });
  expect((await platform.api('POST', `/programmes/${first.body.programmeId}/cancel`, { tenant })).status).toBe(202);
});
