/**
 * The LLM ledger, the tenant's answer cache and budgets. Every write here commits on its own, outside any phase
 * transaction: what a call cost must survive the phase failing or the worker dying right after it.
 *
 * A call of a budgeted tenant holds a reservation of its worst-case cost while in flight; the ledger row of its
 * outcome deletes the reservation in the same transaction, so the call is always counted exactly once (as
 * reserved, then as spent) by the budget checks of concurrent calls.
 */
import { createHash } from 'node:crypto';
import { and, eq, gte, or, sql } from 'drizzle-orm';
import { olderThan, type Database } from '../../db';
import type { Tx } from '../artifacts';
import { llmBudgetReservations, llmCache, llmCalls, llmRequestsInFlight, tenants } from '../../db/schema';

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

/** What a reservation request came to: no budget to reserve from, the reservation's id, or what stood in the way. */
export type BudgetReservation =
  | { kind: 'unlimited' }
  | { kind: 'reserved'; id: string }
  | { kind: 'refused'; limitUsd: number; spentUsd: number; reservedUsd: number };

export class LlmLedger {
  constructor(private readonly db: Database) {}

  async cached<T>(tenantId: string, key: string): Promise<T | null> {
    const [row] = await this.db
      .select({ response: llmCache.response })
      .from(llmCache)
      .where(and(eq(llmCache.tenantId, tenantId), eq(llmCache.key, key)));
    return row ? (row.response as T) : null;
  }

  /** The call's ledger row; `reservationId` is the budget reservation it settles, deleted in the same transaction. */
  async record(site: CallSite, entry: LedgerEntry, reservationId?: string): Promise<void> {
    if (!reservationId) {
      await this.db.insert(llmCalls).values(this.row(site, entry));
      return;
    }
    await this.db.transaction(async (tx) => {
      await tx.insert(llmCalls).values(this.row(site, entry));
      await tx.delete(llmBudgetReservations).where(eq(llmBudgetReservations.id, reservationId));
    });
  }

  /**
   * The answer and its bill in one transaction: a crash after this never pays for the same request again. The
   * caller passes usable answers only; one replaces whatever the key held (an unusable answer cached by an
   * older version, or an equally good answer of a concurrent identical request). The key's claim ends with it, so
   * a run waiting on the claim sees either the claim or the answer, never neither.
   */
  async recordAnswer(site: CallSite, entry: LedgerEntry, response: unknown, reservationId?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(llmCache)
        .values({ tenantId: site.tenantId, key: entry.cacheKey, model: entry.model, response })
        .onConflictDoUpdate({ target: [llmCache.tenantId, llmCache.key], set: { model: entry.model, response } });
      await tx.insert(llmCalls).values(this.row(site, entry));
      if (reservationId) await tx.delete(llmBudgetReservations).where(eq(llmBudgetReservations.id, reservationId));
      await tx.delete(llmRequestsInFlight).where(and(eq(llmRequestsInFlight.tenantId, site.tenantId), eq(llmRequestsInFlight.key, entry.cacheKey)));
    });
  }

  /**
   * Claims the asking of `key` for `holder`: true if no live claim of another holder stands (none, this holder's
   * own, or one older than `maxAgeMs` by the database clock, which is taken over). One statement, so of two
   * concurrent claimants exactly one wins.
   */
  async claim(tenantId: string, key: string, holder: string, maxAgeMs: number): Promise<boolean> {
    const claimed = await this.db
      .insert(llmRequestsInFlight)
      .values({ tenantId, key, holder })
      .onConflictDoUpdate({
        target: [llmRequestsInFlight.tenantId, llmRequestsInFlight.key],
        set: { holder, claimedAt: sql`now()` },
        setWhere: or(eq(llmRequestsInFlight.holder, holder), olderThan(llmRequestsInFlight.claimedAt, maxAgeMs)),
      })
      .returning({ holder: llmRequestsInFlight.holder });
    return claimed.length > 0;
  }

  /** Ends `holder`'s claim of `key` when its run ends without an answer, so a waiting run can ask instead. */
  async unclaim(tenantId: string, key: string, holder: string): Promise<void> {
    await this.db
      .delete(llmRequestsInFlight)
      .where(and(eq(llmRequestsInFlight.tenantId, tenantId), eq(llmRequestsInFlight.key, key), eq(llmRequestsInFlight.holder, holder)));
  }

  /** The tenant's monthly LLM budget in USD, or null for none. Read without a lock: only a reservation needs one. */
  async monthlyLimit(tenantId: string): Promise<number | null> {
    const [tenant] = await this.db.select({ limit: tenants.llmMonthlyBudgetUsd }).from(tenants).where(eq(tenants.id, tenantId));
    return tenant?.limit ?? null;
  }

  /**
   * Reserves `estimateUsd` of the tenant's budget for one call if this month's spend, the live reservations and
   * the estimate fit in it. The tenant row stays locked until the reservation commits, so the reservations of one
   * tenant are decided one at a time, each counting those before it, whichever process makes them. Reservations
   * older than `maxAgeMs` (their worker died mid-call) are deleted here instead of counted.
   */
  async reserve(site: CallSite, estimateUsd: number, maxAgeMs: number): Promise<BudgetReservation> {
    return this.db.transaction(async (tx) => {
      const [tenant] = await tx.select({ limit: tenants.llmMonthlyBudgetUsd }).from(tenants).where(eq(tenants.id, site.tenantId)).for('update');
      // The budget may have been removed since the caller looked.
      if (tenant?.limit == null) return { kind: 'unlimited' } as const;
      const spentUsd = await this.spentThisMonth(tx, site.tenantId);
      const reservedUsd = await this.liveReservations(tx, site.tenantId, maxAgeMs);
      if (spentUsd + reservedUsd + estimateUsd > tenant.limit) return { kind: 'refused', limitUsd: tenant.limit, spentUsd, reservedUsd } as const;
      const [row] = await tx
        .insert(llmBudgetReservations)
        .values({ tenantId: site.tenantId, flowId: site.flowId, phase: site.phase, estimateUsd })
        .returning({ id: llmBudgetReservations.id });
      return { kind: 'reserved', id: row.id } as const;
    });
  }

  /** Ends a reservation whose call left no ledger row to settle it (no-op if one did). */
  async release(reservationId: string): Promise<void> {
    await this.db.delete(llmBudgetReservations).where(eq(llmBudgetReservations.id, reservationId));
  }

  /** What the tenant has spent since the start of this calendar month (UTC). */
  private async spentThisMonth(tx: Tx, tenantId: string, now = new Date()): Promise<number> {
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [spent] = await tx
      .select({ total: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)` })
      .from(llmCalls)
      .where(and(eq(llmCalls.tenantId, tenantId), gte(llmCalls.createdAt, monthStart)));
    return Number(spent.total);
  }

  /** The sum of the tenant's live reservations, after deleting those older than `maxAgeMs` (by the database clock). */
  private async liveReservations(tx: Tx, tenantId: string, maxAgeMs: number): Promise<number> {
    const tenantRows = eq(llmBudgetReservations.tenantId, tenantId);
    await tx.delete(llmBudgetReservations).where(and(tenantRows, olderThan(llmBudgetReservations.createdAt, maxAgeMs)));
    const [reserved] = await tx
      .select({ total: sql<number>`coalesce(sum(${llmBudgetReservations.estimateUsd}), 0)` })
      .from(llmBudgetReservations)
      .where(tenantRows);
    return Number(reserved.total);
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
