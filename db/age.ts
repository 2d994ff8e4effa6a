/** Age checks against the database clock: one clock for every worker of the fleet, whatever their own say. */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** True where `column` (a timestamp) is more than `ms` in the past. */
export function olderThan(column: AnyPgColumn, ms: number): SQL {
  return sql`${column} < now() - make_interval(secs => ${ms / 1000})`;
}
