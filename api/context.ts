/**
 * Who is calling. Until API keys arrive, the tenant comes from `X-Tenant-Id` (default: MFO_DEFAULT_TENANT) and the
 * actor from `X-Actor`; both are validated here so every route can rely on them.
 */
import type { RequestHandler, Response } from 'express';
import { actorSchema, tenantIdSchema } from './schemas';
import { badRequest } from './problems';

export interface CallerContext {
  tenantId: string;
  actor: string;
}

export function callerContext(defaultTenant: string): RequestHandler {
  return (req, res, next) => {
    const tenant = tenantIdSchema.safeParse(req.get('x-tenant-id') ?? defaultTenant);
    if (!tenant.success) throw badRequest([{ field: 'header x-tenant-id', rule: 'pattern', message: tenant.error.issues[0].message }]);
    const actor = actorSchema.safeParse(req.get('x-actor') ?? 'anonymous');
    if (!actor.success) throw badRequest([{ field: 'header x-actor', rule: 'length', message: actor.error.issues[0].message }]);
    res.locals.caller = { tenantId: tenant.data, actor: actor.data } satisfies CallerContext;
    next();
  };
}

export function caller(res: Response): CallerContext {
  return res.locals.caller as CallerContext;
}
