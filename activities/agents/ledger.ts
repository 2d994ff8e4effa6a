/**
 * The LLM ledger, the tenant's answer cache and budgets. Every write here commits on its own, outside any phase
 * transaction: what a call cost must survive the phase failing or the worker dying right after it.
 */
import { createHash } from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { llmCache, llmCalls, tenants } from '../../db/schema';

export const LLM_CALL_OUTCOMES = [
  'ok',
  'cache_hit',
  'invalid_output',
  'truncated',
  'rate_limited',
  'server_error',
  'timeout',
  'connection_error',
  'malformed_response',
  'rejected',
  'aborted',
  'budget_exceeded',
] as const;
export type LlmCallOutcome = (typeof LLM_CALL_OUTCOMES)[number];

/** Who is calling: the ledger's dimensions. */
export interface CallSite {
  tenantId: string;
  flowId: string;
  phase: string;
  run: number;
  attempt: number;
  agent: string;
}

export interface LedgerEntry {
  model: string;
  outcome: LlmCallOutcome;
  cached?: boolean;
  tokensIn?: number;
  tokensOut?: number;
  costUsd?: number;
  latencyMs: number;
  cacheKey: string;
  detail?: string | null;
}

/** Key over everything that determines the answer; JSON with sorted keys so equal requests hash equally. */
export function cacheKeyOf(request: unknown): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class LlmLedger {
  constructor(private readonly db: Database) {}

  async cached<T>(tenantId: string, key: string): Promise<T | null> {
    const [row] = await this.db
      .select({ response: llmCache.response })
      .from(llmCache)
      .where(and(eq(llmCache.tenantId, tenantId), eq(llmCache.key, key)));
    return row ? (row.response as T) : null;
  }

  async record(site: CallSite, entry: LedgerEntry): Promise<void> {
    await this.db.insert(llmCalls).values(this.row(site, entry));
  }

  /**
   * The answer and its bill in one transaction: a crash after this never pays for the same request again. The
   * caller passes usable answers only; one replaces whatever the key held (an unusable answer cached by an
   * older version, or an equally good answer of a concurrent identical request).
   */
  async recordAnswer(site: CallSite, entry: LedgerEntry, response: unknown): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(llmCache)
        .values({ tenantId: site.tenantId, key: entry.cacheKey, model: entry.model, response })
        .onConflictDoUpdate({ target: [llmCache.tenantId, llmCache.key], set: { model: entry.model, response } });
      await tx.insert(llmCalls).values(this.row(site, entry));
    });
  }

  /** The tenant's monthly budget and what it has spent since the start of this calendar month (UTC). */
  async budget(tenantId: string, now = new Date()): Promise<{ limitUsd: number | null; spentUsd: number }> {
    const [tenant] = await this.db.select({ limit: tenants.llmMonthlyBudgetUsd }).from(tenants).where(eq(tenants.id, tenantId));
    if (tenant?.limit == null) return { limitUsd: null, spentUsd: 0 };
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [spent] = await this.db
      .select({ total: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)` })
      .from(llmCalls)
      .where(and(eq(llmCalls.tenantId, tenantId), gte(llmCalls.createdAt, monthStart)));
    return { limitUsd: tenant.limit, spentUsd: Number(spent.total) };
  }

  private row(site: CallSite, entry: LedgerEntry) {
    return {
      ...site,
      model: entry.model,
      outcome: entry.outcome,
      cached: entry.cached ?? false,
      tokensIn: entry.tokensIn ?? 0,
      tokensOut: entry.tokensOut ?? 0,
      costUsd: entry.costUsd ?? 0,
      latencyMs: Math.round(entry.latencyMs),
      cacheKey: entry.cacheKey,
      detail: entry.detail ?? null,
    };
  }
}
