/** Issuing keys and creating tenants, shared by the admin routes and the dev launcher's first-run set-up. */
import type { Database } from '../db';
import { apiKeys, tenants } from '../db/schema';
import { formatKey, newSecret, type Role } from './keys';

export const keyColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  role: apiKeys.role,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

/** Stores the hash and returns the key itself: the only time it exists in the clear. */
export async function issueKey(db: Database, tenantId: string | null, name: string, role: Role, createdBy: string) {
  const { secret, secretHash } = newSecret();
  const [row] = await db.insert(apiKeys).values({ tenantId, name, role, secretHash, createdBy }).returning(keyColumns);
  return { ...row, key: formatKey(row.id, secret) };
}

/** Creates the tenant if it does not exist; true if it was created now. */
export async function ensureTenant(db: Database, id: string, name: string, createdBy: string): Promise<boolean> {
  const created = await db.insert(tenants).values({ id, name, createdBy }).onConflictDoNothing().returning({ id: tenants.id });
  return created.length > 0;
}
