/**
 * GET /usage: the tenant's LLM ledger, summed by flow, phase, agent, model, outcome, day or month over a period.
 * Billed and cached calls are counted apart. A cache hit's row is stored with cost $0 and 0 tokens in and out (the
 * tokens were billed once, on the row of the call whose answer was cached), so the sums of cost and tokens are
 * exactly what was billed.
 */
import { Router } from 'express';
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db';
import { llmCalls, tenants } from '../../db/schema';
import { caller } from '../context';
import { parse } from '../validate';

export const USAGE_GROUPINGS = ['flow', 'phase', 'agent', 'model', 'outcome', 'day', 'month'] as const;

export const usageQuerySchema = z
  .object({
    groupBy: z.enum(USAGE_GROUPINGS).default('flow'),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    flowId: z.string().min(1).max(300).optional(),
  })
  .strict();

const GROUP_COLUMNS: Record<(typeof USAGE_GROUPINGS)[number], SQL<string>> = {
  flow: sql<string>`${llmCalls.flowId}`,
  phase: sql<string>`${llmCalls.phase}`,
  agent: sql<string>`${llmCalls.agent}`,
  model: sql<string>`${llmCalls.model}`,
  outcome: sql<string>`${llmCalls.outcome}`,
  day: sql<string>`to_char(${llmCalls.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
  month: sql<string>`to_char(${llmCalls.createdAt} at time zone 'UTC', 'YYYY-MM')`,
};

export function usageRoutes(db: Database): Router {
  const router = Router();
  router.get('/usage', async (req, res) => {
    const { tenantId } = caller(res);
    const query = parse(usageQuerySchema, req.query, 'query');
    const filters = [eq(llmCalls.tenantId, tenantId)];
    if (query.from) filters.push(gte(llmCalls.createdAt, new Date(query.from)));
    if (query.to) filters.push(lt(llmCalls.createdAt, new Date(query.to)));
    if (query.flowId) filters.push(eq(llmCalls.flowId, query.flowId));
    const key = GROUP_COLUMNS[query.groupBy];
    const totals = {
      calls: sql<number>`count(*)::int`,
      billedCalls: sql<number>`(count(*) filter (where not ${llmCalls.cached}))::int`,
      cacheHits: sql<number>`(count(*) filter (where ${llmCalls.cached}))::int`,
      failedCalls: sql<number>`(count(*) filter (where ${llmCalls.outcome} not in ('ok', 'cache_hit')))::int`,
      tokensIn: sql<number>`coalesce(sum(${llmCalls.tokensIn}), 0)::int`,
      tokensOut: sql<number>`coalesce(sum(${llmCalls.tokensOut}), 0)::int`,
      costUsd: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)::float8`,
      meanLatencyMs: sql<number>`coalesce(avg(${llmCalls.latencyMs}) filter (where not ${llmCalls.cached}), 0)::int`,
    };
    const rows = await db
      .select({ key, ...totals })
      .from(llmCalls)
      .where(and(...filters))
      .groupBy(key)
      .orderBy(desc(sql`coalesce(sum(${llmCalls.costUsd}), 0)`), key);
    const [overall] = await db.select(totals).from(llmCalls).where(and(...filters));
    const [tenant] = await db.select({ budget: tenants.llmMonthlyBudgetUsd }).from(tenants).where(eq(tenants.id, tenantId));
    res.json({ tenantId, groupBy: query.groupBy, from: query.from ?? null, to: query.to ?? null, rows, totals: overall, monthlyBudgetUsd: tenant?.budget ?? null });
  });
  return router;
}
