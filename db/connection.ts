/**
 * One factory for both database drivers: real PostgreSQL through `pg` when DATABASE_URL is set, otherwise an
 * embedded PGlite database under the data directory. Callers get the same drizzle API either way.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Where it lives, without credentials: safe to log. */
  location: string;
  close(): Promise<void>;
  /** Applies pending migrations; on PostgreSQL under an advisory lock, since several processes may start at once. */
  migrate(): Promise<void>;
}

const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');
// Any fixed number works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_ID = 7_233_001;

export interface DatabaseOptions {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` keeps it in memory. */
  pgliteDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // A client whose server went away (restart, failover) emits 'error', idle in the pool or checked out by a
    // transaction; unheard, that event would crash the process. There is nothing to do with it: the queries that
    // fail meanwhile report the outage themselves, and the pool drops a broken client instead of reusing it.
    const ignore = () => undefined;
    pool.on('error', ignore);
    pool.on('connect', (client) => client.on('error', ignore));
    const url = new URL(options.databaseUrl);
    const db = drizzle(pool, { schema });
    return {
      db: db as unknown as Database,
      kind: 'postgres',
      location: `postgres://${url.host}${url.pathname}`,
      close: () => pool.end(),
      migrate: async () => {
        const { migrate } = await import('drizzle-orm/node-postgres/migrator');
        // A session-level lock must be taken and released on one connection, so migrate on a dedicated client.
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
          await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
          client.release();
        }
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!options.pgliteDir.startsWith('memory://')) fs.mkdirSync(options.pgliteDir, { recursive: true });
  const client = await PGlite.create(options.pgliteDir);
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    location: options.pgliteDir,
    close: () => client.close(),
    // PGlite is single-connection and in-process: nothing else can migrate concurrently.
    migrate: async () => {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    },
  };
}
