/**
 * The gateway's view of API keys (ActiveKeys) against PostgreSQL: what a revocation it was not told about does,
 * with the cache on and off, and what forgetting a key does. The gateway's own revoke route is covered in
 * tenancy.test.ts, through HTTP.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ActiveKeys } from '../../api/active-keys';
import { newSecret, parseKey } from '../../api/keys';
import { ensureTenant, issueKey } from '../../api/key-store';
import { openDatabase, type DatabaseHandle } from '../../db';
import { apiKeys } from '../../db/schema';
import { readTestEnvironment } from '../setup/env';

let db: DatabaseHandle;
const tenant = `keys-${Date.now().toString(36)}`;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: readTestEnvironment().databaseUrl, pgliteDir: 'memory://', poolSize: 2 });
  await db.migrate();
  await ensureTenant(db.db, tenant, tenant, 'active-keys-test');
});
afterAll(async () => {
  await db?.close();
});

/** Issues a key and returns its id. */
async function issue(name: string): Promise<string> {
  return parseKey((await issueKey(db.db, tenant, name, 'operator', 'active-keys-test')).key)!.id;
}

/** Revokes the key in the database only, as another gateway would. */
async function revokeElsewhere(id: string): Promise<void> {
  await db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
}

test('with the cache off, a key revoked elsewhere is refused on the next read', async () => {
  const keys = new ActiveKeys(db.db, 0);
  const id = await issue('uncached');
  expect(await keys.find(id)).toEqual(expect.objectContaining({ tenantId: tenant, name: 'uncached', role: 'operator' }));
  await revokeElsewhere(id);
  expect(await keys.find(id)).toBeNull();
});

test('with the cache on, a key revoked elsewhere is trusted until its entry expires; forgetting it ends that at once', async () => {
  const keys = new ActiveKeys(db.db, 300);
  const id = await issue('cached');
  expect(await keys.find(id)).toEqual(expect.objectContaining({ name: 'cached' }));
  await revokeElsewhere(id);
  expect(await keys.find(id)).toEqual(expect.objectContaining({ name: 'cached' }));
  keys.forget(id);
  expect(await keys.find(id)).toBeNull();
});

test('a miss is not remembered: a key that exists by the next read is found', async () => {
  const keys = new ActiveKeys(db.db, 300);
  const id = randomUUID();
  expect(await keys.find(id)).toBeNull();
  await db.db.insert(apiKeys).values({ id, tenantId: tenant, name: 'late', role: 'viewer', secretHash: newSecret().secretHash, createdBy: 'active-keys-test' });
  expect(await keys.find(id)).toEqual(expect.objectContaining({ name: 'late', role: 'viewer' }));
});
