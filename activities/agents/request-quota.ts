/**
 * The provider's requests-per-minute quota, kept for the whole worker fleet in PostgreSQL: a request is sent only
 * when fewer than `perMinute` requests went to its endpoint in the last 61 seconds (by the database clock), so no
 * minute-long window ever holds more than the quota and the provider has no reason to answer 429. It counts HTTP
 * requests — tool rounds and repairs included — where a task queue's rate limit could only count activity attempts.
 */
import { and, eq, sql } from 'drizzle-orm';
import { olderThan, type Database } from '../../db';
import { llmRequestWindow } from '../../db/schema';

/**
 * The provider's minute, plus a margin: a place is granted here but stamped by the provider only when the request
 * arrives, a little later and by a varying amount. Without the margin, a place reused the moment it leaves our
 * window can reach the provider while the request that held it is still inside the provider's, and be refused.
 */
const WINDOW_MS = 61_000;

export type QuotaDecision = { granted: true } | { granted: false; waitMs: number };

export class RequestQuota {
  constructor(
    private readonly db: Database,
    private readonly perMinute: number,
  ) {}

  /**
   * Takes a place in the endpoint's window if one is free; otherwise says how long until the oldest request leaves
   * it. The endpoint's decisions are serialised by a transaction-scoped advisory lock, so concurrent workers never
   * both take the last place.
   */
  async tryAcquire(endpoint: string): Promise<QuotaDecision> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mfo-llm-quota:${endpoint}`}, 0))`);
      const inEndpoint = eq(llmRequestWindow.endpoint, endpoint);
      await tx.delete(llmRequestWindow).where(and(inEndpoint, olderThan(llmRequestWindow.sentAt, WINDOW_MS)));
      const [window] = await tx
        .select({
          sent: sql<number>`count(*)::int`,
          waitMs: sql<number>`coalesce(extract(epoch from (min(${llmRequestWindow.sentAt}) - now())) * 1000 + ${WINDOW_MS}, 0)`,
        })
        .from(llmRequestWindow)
        .where(inEndpoint);
      if (window.sent < this.perMinute) {
        await tx.insert(llmRequestWindow).values({ endpoint });
        return { granted: true } as const;
      }
      return { granted: false, waitMs: Math.max(1, Math.ceil(Number(window.waitMs))) } as const;
    });
  }

  /** Waits (through `sleep`, which heartbeats and ends on cancellation) until a place is free, and takes it. */
  async acquire(endpoint: string, sleep: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const decision = await this.tryAcquire(endpoint);
      if (decision.granted) return;
      await sleep(decision.waitMs);
    }
  }
}
