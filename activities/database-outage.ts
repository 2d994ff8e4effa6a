/**
 * A database outage is waited out inside the activity attempt instead of being spent as one of the phase's few
 * retries: a phase whose retries ran out waits for a human in needs_attention, which is the wrong answer to
 * PostgreSQL restarting for half a minute. The attempt heartbeats while it waits (so Temporal does not presume the
 * worker dead), stops waiting when the flow is paused or cancelled, and runs the phase again from the start once
 * the database answers. That is safe because a phase's writes commit in one transaction (see artifacts.ts).
 */
import { Context } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import type { Database } from '../db';
import type { Logger } from '../config/logger';

/** How long one attempt waits for the database before the outage counts as a failed attempt after all. */
export const DATABASE_OUTAGE_GRACE_MS = 120_000;
const PROBE_EVERY_MS = 1_000;

// Node socket errors and PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P (operator intervention:
// shutdown, crash recovery, cannot connect now).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i;

/** Whether an error (or any error in its `cause` chain, as drizzle wraps pg's) says the database is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
    if (e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** Runs `work`; while it fails because the database is unreachable, waits for the database and runs it again. */
export async function outlastingDatabaseOutages<T>(db: Database, logger: Logger, context: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  let deadline: number | null = null;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      deadline ??= Date.now() + DATABASE_OUTAGE_GRACE_MS;
      logger.warn({ ...context, err: rootCause(err) }, 'database unavailable: waiting for it before running the phase again');
      await waitForDatabase(db, deadline, err);
    }
  }
}

/** drizzle reports "Failed query: …" and keeps the driver's reason in `cause`: the reason is what an operator needs. */
function rootCause(err: unknown): string {
  let e = err as { cause?: unknown; message?: string };
  while (e.cause) e = e.cause as typeof e;
  return e.message ?? String(e);
}

async function waitForDatabase(db: Database, deadline: number, original: unknown): Promise<void> {
  const activity = Context.current();
  for (;;) {
    if (Date.now() > deadline) throw original;
    activity.heartbeat({ waitingFor: 'database' });
    // Context.sleep throws when the activity is cancelled (the flow was paused or cancelled meanwhile).
    await activity.sleep(PROBE_EVERY_MS);
    const reachable = await db.execute(sql`select 1`).then(
      () => true,
      () => false,
    );
    if (reachable) return;
  }
}
