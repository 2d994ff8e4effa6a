/** Platform administration: tenants, their engagements, and API keys (issued once, stored hashed, revocable). */
import { Router } from 'express';
import createHttpError from 'http-errors';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db';
import type { ActiveKeys } from '../active-keys';
import { apiKeys, engagements, tenants } from '../../db/schema';
import { callerIdentity, requireAdmin } from '../context';
import { issueKey, keyColumns } from '../key-store';
import { actorSchema, tenantIdSchema, uuidParam } from '../schemas';
import { parse } from '../validate';

export const createTenantSchema = z.object({ id: tenantIdSchema, name: z.string().trim().min(1).max(200) }).strict();
export const createEngagementSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
export const issueKeySchema = z.object({ name: actorSchema, role: z.enum(['operator', 'viewer']) }).strict();
export const updateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    /** Monthly LLM spend limit in USD; null removes the limit. */
    llmMonthlyBudgetUsd: z.number().min(0).max(1_000_000).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });
export const issueAdminKeySchema = z.object({ name: actorSchema }).strict();

export function tenantRoutes(db: Database, activeKeys: ActiveKeys): Router {
  const router = Router();
  router.use(['/tenants', '/admin'], requireAdmin());

  async function tenantOr404(id: string) {
    const [tenant] = await db.select().from(tenants).where(eq(tenants.id, id));
    if (!tenant) throw createHttpError(404, `tenant ${id} not found`);
    return tenant;
  }

  router.post('/tenants', async (req, res) => {
    const body = parse(createTenantSchema, req.body, 'body');
    const [row] = await db.insert(tenants).values({ ...body, createdBy: callerIdentity(res).actor }).onConflictDoNothing().returning();
    if (!row) throw createHttpError(409, `tenant ${body.id} already exists`);
    res.status(201).location(`/api/v1/tenants/${row.id}`).json(row);
  });

  router.get('/tenants', async (_req, res) => {
    res.json({ tenants: await db.select().from(tenants).orderBy(asc(tenants.id)) });
  });

  router.get('/tenants/:tenantId', async (req, res) => {
    res.json(await tenantOr404(req.params.tenantId));
  });

  router.patch('/tenants/:tenantId', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    const body = parse(updateTenantSchema, req.body, 'body');
    const [row] = await db.update(tenants).set(body).where(eq(tenants.id, tenant.id)).returning();
    res.json(row);
  });

  router.post('/tenants/:tenantId/engagements', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    const body = parse(createEngagementSchema, req.body, 'body');
    const [row] = await db.insert(engagements).values({ tenantId: tenant.id, name: body.name, createdBy: callerIdentity(res).actor }).onConflictDoNothing().returning();
    if (!row) throw createHttpError(409, `engagement '${body.name}' already exists`);
    res.status(201).json(row);
  });

  router.get('/tenants/:tenantId/engagements', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    res.json({ engagements: await db.select().from(engagements).where(eq(engagements.tenantId, tenant.id)).orderBy(asc(engagements.name)) });
  });

  router.post('/tenants/:tenantId/keys', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    const body = parse(issueKeySchema, req.body, 'body');
    res.status(201).json(await issueKey(db, tenant.id, body.name, body.role, callerIdentity(res).actor));
  });

  router.get('/tenants/:tenantId/keys', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    res.json({ keys: await db.select(keyColumns).from(apiKeys).where(eq(apiKeys.tenantId, tenant.id)).orderBy(asc(apiKeys.createdAt)) });
  });

  router.delete('/tenants/:tenantId/keys/:keyId', async (req, res) => {
    const tenant = await tenantOr404(req.params.tenantId);
    const keyId = uuidParam.safeParse(req.params.keyId);
    const [row] = keyId.success
      ? await db
          .update(apiKeys)
          .set({ revokedAt: new Date() })
          .where(and(eq(apiKeys.tenantId, tenant.id), eq(apiKeys.id, keyId.data), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id })
      : [];
    if (!row) throw createHttpError(404, `key ${req.params.keyId} not found`);
    activeKeys.forget(row.id);
    res.status(204).end();
  });

  router.post('/admin/keys', async (req, res) => {
    const body = parse(issueAdminKeySchema, req.body, 'body');
    res.status(201).json(await issueKey(db, null, body.name, 'admin', callerIdentity(res).actor));
  });

  return router;
}
