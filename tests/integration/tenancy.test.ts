/**
 * Authentication, roles and tenant isolation through the real gateway: keys are required, stored hashed and
 * revocable; viewers cannot change anything; another tenant's flows, imports, artifacts, evidence, schedules and
 * programmes are 404 on every route.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema';
import { CONTROL_ACTIONS } from '../../api/schemas';
import { startPlatform, type Platform } from './harness';

let platform: Platform;
const owner = `own-${Date.now().toString(36)}`;
const intruder = `int-${Date.now().toString(36)}`;
let flowId: string;
let importId: string;
let scheduleId: string;

// Short, so the test below sees a cached key expire.
const KEY_CACHE_SECONDS = 2;

beforeAll(async () => {
  platform = await startPlatform({ env: { MFO_API_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS) } });
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  importId = (await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant: owner })).body.id;
  flowId = (await platform.api('POST', '/flows', { tenant: owner, body: { flowType: 'discovery', input: { importId }, options: { autoApprove: true } } })).body.flowId;
  await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  const schedule = await platform.api('POST', '/schedules', {
    tenant: owner,
    body: { flowType: 'finops', input: { discoveryFlowId: flowId }, everySeconds: 86_400, paused: true },
  });
  scheduleId = schedule.body.scheduleId;
});
afterAll(async () => {
  await platform?.stop();
});

test('requests without a valid key are 401', async () => {
  expect((await platform.api('GET', '/flows', { key: null })).status).toBe(401);
  expect((await platform.api('GET', '/flows', { key: 'mfo.not-a-key' })).status).toBe(401);
  const forged = `mfo.00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`;
  expect((await platform.api('GET', '/flows', { key: forged })).status).toBe(401);
});

test('an admin creates tenants and issues, lists and revokes keys; secrets are stored hashed', async () => {
  const admin = { key: platform.adminKey };
  const tenant = `adm-${Date.now().toString(36)}`;
  expect((await platform.api('POST', '/tenants', { ...admin, body: { id: 'Bad Id', name: 'x' } })).status).toBe(400);
  expect((await platform.api('POST', '/tenants', { ...admin, body: { id: tenant, name: 'Acme' } })).status).toBe(201);
  expect((await platform.api('POST', '/tenants', { ...admin, body: { id: tenant, name: 'Acme' } })).status).toBe(409);
  expect((await platform.api('POST', `/tenants/${tenant}/engagements`, { ...admin, body: { name: 'DC exit 2027' } })).status).toBe(201);

  const issued = await platform.api('POST', `/tenants/${tenant}/keys`, { ...admin, body: { name: 'erin', role: 'operator' } });
  expect(issued.status).toBe(201);
  const [stored] = await platform.db.db.select().from(apiKeys).where(eq(apiKeys.id, issued.body.id));
  expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
  expect(issued.body.key).not.toContain(stored.secretHash);
  expect(JSON.stringify(stored)).not.toContain(issued.body.key.split('.')[2]);

  const listed = await platform.api('GET', `/tenants/${tenant}/keys`, admin);
  expect(listed.body.keys).toEqual([expect.objectContaining({ name: 'erin', role: 'operator', revokedAt: null })]);
  expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);

  expect((await platform.api('GET', '/flows', { key: issued.body.key })).status).toBe(200);
  expect((await platform.api('DELETE', `/tenants/${tenant}/keys/${issued.body.id}`, admin)).status).toBe(204);
  expect((await platform.api('GET', '/flows', { key: issued.body.key })).status).toBe(401);

  // Only admins administer; an admin names the tenant it acts in.
  expect((await platform.api('POST', '/tenants', { tenant: owner, body: { id: 'x-other', name: 'x' } })).status).toBe(403);
  expect((await platform.api('GET', '/flows', admin)).status).toBe(400);
  const asAdmin = await platform.api('GET', `/flows/${flowId}`, { ...admin, headers: { 'x-tenant-id': owner } });
  expect(asAdmin.status).toBe(200);
  expect((await platform.api('GET', '/flows', { ...admin, headers: { 'x-tenant-id': 'no-such-tenant' } })).status).toBe(404);
});


test('a key revoked through another gateway is refused once this gateway has read it again', async () => {
  const key = await platform.keyFor(owner, 'rotated-out', 'viewer');
  expect((await platform.api('GET', '/flows', { key })).status).toBe(200);
  // What another gateway's DELETE /keys does: this gateway is not told.
  await platform.db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.split('.')[1]));
  expect((await platform.api('GET', '/flows', { key })).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_SECONDS * 1000 + 100));
  expect((await platform.api('GET', '/flows', { key })).status).toBe(401);
});

test('a viewer reads but cannot change anything', async () => {
  const viewer = { tenant: owner, actor: 'vic', role: 'viewer' as const };
  expect((await platform.api('GET', `/flows/${flowId}`, viewer)).status).toBe(200);
  expect((await platform.api('GET', '/imports', viewer)).status).toBe(200);
  expect((await platform.api('POST', '/imports', { ...viewer, raw: 'a,b\n1,2' })).status).toBe(403);
  expect((await platform.api('POST', '/flows', { ...viewer, body: { flowType: 'discovery', input: { importId } } })).status).toBe(403);
  for (const action of CONTROL_ACTIONS) expect((await platform.api('POST', `/flows/${flowId}/${action}`, { ...viewer, body: {} })).status).toBe(403);
  expect((await platform.api('POST', `/schedules/${scheduleId}/trigger`, { ...viewer, body: {} })).status).toBe(403);
  expect((await platform.api('DELETE', `/schedules/${scheduleId}`, viewer)).status).toBe(403);
});

test("every route answers 404 for another tenant's flows, imports, artifacts, schedules and programmes", async () => {
  const as = { tenant: intruder, actor: 'mallory' };
  const ownerProgramme = `${owner}.programme.00000000-0000-4000-8000-000000000000`;
  const probes: [string, string, unknown?][] = [
    ['GET', `/flows/${flowId}`],
    ['GET', `/flows/${flowId}/phases/asset_inventory/artifact`],
    ['GET', `/flows/${flowId}/evidence/${encodeURIComponent('asset:payprddb01')}`],
    ['POST', `/flows/${flowId}/successors`, { flowType: 'assessment' }],
    ...CONTROL_ACTIONS.map((action): [string, string, unknown] => [
      'POST',
      `/flows/${flowId}/${action}`,
      action === 'reject' ? { feedback: 'x' } : action === 'input' ? { data: {} } : {},
    ]),
    ['GET', `/imports/${importId}`],
    ['GET', `/schedules/${scheduleId}`],
    ['POST', `/schedules/${scheduleId}/trigger`, {}],
    ['POST', `/schedules/${scheduleId}/pause`, {}],
    ['DELETE', `/schedules/${scheduleId}`],
    ['GET', `/programmes/${ownerProgramme}`],
    ['POST', `/programmes/${ownerProgramme}/cancel`, {}],
  ];
  for (const [method, url, body] of probes) {
    const res = await platform.api(method, url, { ...as, body });
    expect({ method, url, status: res.status }).toEqual({ method, url, status: 404 });
  }
  // Lists never show another tenant's things, and another tenant's ids cannot be used as input.
  expect((await platform.api('GET', '/flows', as)).body.flows).toEqual([]);
  expect((await platform.api('GET', '/imports', as)).body.imports).toEqual([]);
  expect((await platform.api('GET', '/schedules', as)).body.schedules).toEqual([]);
  const borrowImport = await platform.api('POST', '/flows', { ...as, body: { flowType: 'discovery', input: { importId } } });
  expect(borrowImport.status).toBe(400);
  const borrowFlow = await platform.api('POST', '/flows', { ...as, body: { flowType: 'assessment', input: { discoveryFlowId: flowId } } });
  expect(borrowFlow.status).toBe(400);
  expect(borrowFlow.body.issues[0]).toMatchObject({ field: 'body.input.discoveryFlowId', rule: 'exists' });

  // And the owner still sees all of it.
  expect((await platform.api('GET', `/flows/${flowId}`, { tenant: owner })).status).toBe(200);
  expect((await platform.api('GET', `/schedules/${scheduleId}`, { tenant: owner })).status).toBe(200);
});

test('the actor recorded on a control message is the key, not anything the caller claims', async () => {
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8'), tenant: owner });
  const started = await platform.api('POST', '/flows', { tenant: owner, actor: 'olga', body: { flowType: 'discovery', input: { importId: upload.body.id } } });
  await platform.waitForFlow(started.body.flowId, (s) => s.status === 'awaiting_approval');
  const spoof = await platform.api('POST', `/flows/${started.body.flowId}/cancel`, {
    tenant: owner,
    actor: 'olga',
    headers: { 'x-actor': 'somebody-else' },
    body: { actor: 'somebody-else' },
  });
  expect(spoof.status).toBe(400); // `actor` is not a field callers may send
  const cancelled = await platform.api('POST', `/flows/${started.body.flowId}/cancel`, { tenant: owner, actor: 'olga', headers: { 'x-actor': 'somebody-else' }, body: {} });
  expect(cancelled.body.cancelledBy).toBe('olga');
  expect(cancelled.body.requestedBy).toBe('olga');
});
