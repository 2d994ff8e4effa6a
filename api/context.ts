/**
 * Who is calling. Every request under /api/v1 presents an API key (`Authorization: Bearer <key>` or `X-API-Key`);
 * the key gives the tenant, the role and the actor. A platform admin (the bootstrap key from MFO_ADMIN_KEY, or an
 * admin key) is tied to no tenant and names one with `X-Tenant-Id` when it works inside a tenant.
 */
import type { RequestHandler, Response } from 'express';
import createHttpError from 'http-errors';
import { eq } from 'drizzle-orm';
import type { Database } from '../db';
import { tenants } from '../db/schema';
import type { ActiveKeys } from './active-keys';
import { hashSecret, parseKey, secretMatches, type Role } from './keys';
import { badRequest } from './problems';
import { tenantIdSchema } from './schemas';

export interface CallerContext {
  /** Null only for a platform admin that named no tenant. */
  tenantId: string | null;
  actor: string;
  role: Role;
}

function presentedKey(header: string | undefined, apiKeyHeader: string | undefined): string | null {
  if (apiKeyHeader) return apiKeyHeader.trim();
  const match = header && /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

export function authenticate(keys: ActiveKeys, db: Database, bootstrapAdminKey: string | undefined): RequestHandler {
  const bootstrapHash = bootstrapAdminKey ? hashSecret(bootstrapAdminKey) : null;
  return async (req, res, next) => {
    const key = presentedKey(req.get('authorization'), req.get('x-api-key'));
    if (!key) throw createHttpError(401, 'an API key is required (Authorization: Bearer <key>)');
    let caller: Omit<CallerContext, 'tenantId'> & { tenantId: string | null };
    if (bootstrapHash && secretMatches(key, bootstrapHash)) {
      caller = { tenantId: null, actor: 'bootstrap-admin', role: 'admin' };
    } else {
      const parsed = parseKey(key);
      const row = parsed ? await keys.find(parsed.id) : null;
      if (!parsed || !row || !secretMatches(parsed.secret, row.secretHash)) throw createHttpError(401, 'invalid or revoked API key');
      caller = { tenantId: row.tenantId, actor: row.name, role: row.role as Role };
    }
    if (caller.role === 'admin' && caller.tenantId === null && req.get('x-tenant-id')) {
      const tenant = tenantIdSchema.safeParse(req.get('x-tenant-id'));
      if (!tenant.success) throw badRequest([{ field: 'header x-tenant-id', rule: 'pattern', message: tenant.error.issues[0].message }]);
      const [found] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenant.data));
      if (!found) throw createHttpError(404, `tenant ${tenant.data} not found`);
      caller.tenantId = tenant.data;
    }
    res.locals.caller = caller;
    next();
  };
}

/** Reads are open to every role; anything that changes state needs operator or admin. */
export function authorizeByMethod(): RequestHandler {
  return (req, res, next) => {
    const { role } = res.locals.caller as CallerContext;
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (!reading && role === 'viewer') throw createHttpError(403, 'viewers can read but not change anything');
    next();
  };
}

export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    if ((res.locals.caller as CallerContext).role !== 'admin') throw createHttpError(403, 'only a platform admin may do this');
    next();
  };
}

/** The caller inside a tenant: every tenant-scoped route uses this, so no query can run without a tenant. */
export function caller(res: Response): CallerContext & { tenantId: string } {
  const c = res.locals.caller as CallerContext;
  if (!c.tenantId) throw badRequest([{ field: 'header x-tenant-id', rule: 'required', message: 'a platform admin must name the tenant it acts in' }]);
  return c as CallerContext & { tenantId: string };
}

export function callerIdentity(res: Response): CallerContext {
  return res.locals.caller as CallerContext;
}
