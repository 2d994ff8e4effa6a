/**
 * The active API keys, by id. Every request under /api/v1 presents a key, so the gateway keeps what it last read of
 * each key for MFO_API_KEY_CACHE_SECONDS instead of asking PostgreSQL on every request: a start then waits on
 * Temporal alone, not on a database round trip first. Revoking a key through this gateway forgets it at once;
 * a key revoked through another gateway (or by hand) is refused here once its entry expires.
 */
import { LRUCache } from 'lru-cache';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { apiKeys } from '../db/schema';

export interface ActiveKey {
  tenantId: string | null;
  name: string;
  role: string;
  secretHash: string;
}

/** Enough for every key of a large fleet of callers; an evicted key is simply read again. */
const MAX_CACHED_KEYS = 10_000;

export class ActiveKeys {
  private readonly lookup;
  private readonly cache: LRUCache<string, ActiveKey> | null;

  constructor(db: Database, ttlSeconds: number) {
    // Built once, not per request (building it cost more CPU than running it); PostgreSQL keeps it prepared.
    this.lookup = db
      .select({ tenantId: apiKeys.tenantId, name: apiKeys.name, role: apiKeys.role, secretHash: apiKeys.secretHash })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, sql.placeholder('id')), isNull(apiKeys.revokedAt)))
      .prepare('active_api_key');
    // Only keys found active are kept: an unknown or revoked id is read again on every request, so a key issued a
    // moment ago works at once. Concurrent misses for one id share one query (lru-cache's fetch). A revocation
    // during such a query aborts it: what it read is not kept, and its waiters get the entry from before the query
    // (an expired one being read again), or no key (401), as if they had come just before the revocation.
    this.cache =
      ttlSeconds > 0
        ? new LRUCache<string, ActiveKey>({
            max: MAX_CACHED_KEYS,
            ttl: ttlSeconds * 1000,
            allowStaleOnFetchAbort: true,
            fetchMethod: async (id) => (await this.read(id)) ?? undefined,
          })
        : null;
  }

  /** The key's row if it exists and is not revoked. */
  async find(id: string): Promise<ActiveKey | null> {
    if (!this.cache) return this.read(id);
    return (await this.cache.fetch(id)) ?? null;
  }

  /** Called when this gateway revokes a key, so it is refused from the next request on. */
  forget(id: string): void {
    this.cache?.delete(id);
  }

  private async read(id: string): Promise<ActiveKey | null> {
    const [row] = await this.lookup.execute({ id });
    return row ?? null;
  }
}
