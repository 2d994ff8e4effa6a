/**
 * The Idempotency-Key header: what a valid key is, and the record of which flow (or programme) each start key
 * started.
 *
 * On a control message the key is the Temporal update id, so the server applies it at most once. On a start it
 * names the flow: the first request with a key claims it for a new flow id, and every later request with the same
 * key and the same body gets that flow (and a body that differs is refused, since the caller is confused about
 * what it started). A key is remembered for a retention period (MFO_START_KEY_RETENTION_HOURS), as payment APIs
 * remember theirs: after it, the key is free again.
 */
import { createHash } from 'node:crypto';
import { and, eq, not, sql } from 'drizzle-orm';
import type { Request } from 'express';
import createHttpError from 'http-errors';
import stableStringify from 'safe-stable-stringify';
import { z } from 'zod';
import type { Database } from '../db';
import { olderThan } from '../db/age';
import { flowStartKeys } from '../db/schema';
import { parse } from './validate';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a start answered from an earlier request with the same key, as payment APIs do. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** Visible ASCII only: the key is stored, logged and (for updates) sent to Temporal as an id. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters (no spaces)');

/** The request's Idempotency-Key, if it sent one; a malformed one is a 400 naming the header. */
export function idempotencyKey(req: Request): string | undefined {
  const value = req.get(IDEMPOTENCY_KEY_HEADER);
  return value === undefined ? undefined : parse(idempotencyKeySchema, value, `header ${IDEMPOTENCY_KEY_HEADER}`);
}

/** A digest of a parsed request that does not depend on the order of its keys. */
export function requestDigest(request: unknown): string {
  return createHash('sha256').update(stableStringify(request) ?? '').digest('hex');
}

export interface StartKeyClaim {
  workflowId: string;
  /** True when an earlier request made the claim: this one is a retry of it. */
  existing: boolean;
}

/** How to start one kind of workflow (a flow, a programme) for `FlowStartKeys.start`. */
export interface WorkflowStart<Prepared> {
  /** A digest of the request as sent (see requestDigest); asked only for a keyed start. */
  digest(): string;
  /** Validates the request; throws its 4xx. */
  prepare(): Promise<Prepared>;
  newWorkflowId(): string;
  /** The run of the workflow under this id, or null if there is none. */
  existingRun(workflowId: string): Promise<string | null>;
  /** Starts it under this id; for a keyed start, an id that already has a workflow answers with that workflow's run. */
  start(prepared: Prepared, workflowId: string, keyed: boolean): Promise<string>;
}

export interface StartResult {
  workflowId: string;
  runId: string;
  /** Answered from an earlier request with the same key. */
  replayed: boolean;
}

/** Expired keys are deleted at most this often per gateway, by the first claim after the interval. */
const PRUNE_EVERY_MS = 3_600_000;

export class FlowStartKeys {
  private readonly byKey;
  private readonly expired;
  private lastPruned = 0;

  constructor(
    private readonly db: Database,
    retentionMs: number,
    private readonly onPruneError: (err: unknown) => void,
  ) {
    this.expired = olderThan(flowStartKeys.createdAt, retentionMs);
    this.byKey = db
      .select({ flowId: flowStartKeys.flowId, requestDigest: flowStartKeys.requestDigest })
      .from(flowStartKeys)
      .where(and(eq(flowStartKeys.tenantId, sql.placeholder('tenantId')), eq(flowStartKeys.key, sql.placeholder('key')), not(this.expired)))
      .prepare('flow_start_key');
  }

  /** Deletes the keys past their retention; the number deleted. */
  async prune(): Promise<number> {
    this.lastPruned = Date.now();
    return (await this.db.delete(flowStartKeys).where(this.expired).returning({ key: flowStartKeys.key })).length;
  }

  /**
   * Starts a workflow; with a key, at most once per key. A retry of an earlier start (same key, same request) gets
   * that start's workflow, `replayed`, and starts nothing; a start that got as far as claiming the key but not
   * further (the gateway died in between) is completed under the id it claimed. The request is validated before the
   * key is claimed, so a request that fails validation leaves its key unused.
   */
  async start<Prepared>(tenantId: string, key: string | undefined, actor: string, how: WorkflowStart<Prepared>): Promise<StartResult> {
    if (!key) {
      const workflowId = how.newWorkflowId();
      return { workflowId, runId: await how.start(await how.prepare(), workflowId, false), replayed: false };
    }
    const digest = how.digest();
    const earlier = await this.find(tenantId, key, digest);
    if (earlier) {
      const runId = await how.existingRun(earlier.workflowId);
      if (runId) return { workflowId: earlier.workflowId, runId, replayed: true };
    }
    const prepared = await how.prepare();
    const claim = earlier ?? (await this.claim(tenantId, key, digest, how.newWorkflowId(), actor));
    return { workflowId: claim.workflowId, runId: await how.start(prepared, claim.workflowId, true), replayed: claim.existing };
  }

  /** The claim an earlier request made on this key, or null; 422 if that request was a different one. */
  private async find(tenantId: string, key: string, digest: string): Promise<StartKeyClaim | null> {
    const [row] = await this.byKey.execute({ tenantId, key });
    if (!row) return null;
    if (row.requestDigest !== digest) throw reused(key, row.flowId);
    return { workflowId: row.flowId, existing: true };
  }

  /**
   * Claims the key for `workflowId`. Of concurrent requests with the same key exactly one claim is written; the others
   * get the winner's flow id (or a 422 if their body differs). A claim past its retention is taken over (PostgreSQL
   * re-checks the condition on the row it locked, so of concurrent takers one wins here too).
   */
  private async claim(tenantId: string, key: string, digest: string, workflowId: string, createdBy: string): Promise<StartKeyClaim> {
    if (Date.now() - this.lastPruned >= PRUNE_EVERY_MS) this.prune().catch(this.onPruneError);
    const claim = { requestDigest: digest, flowId: workflowId, createdBy };
    const inserted = await this.db
      .insert(flowStartKeys)
      .values({ tenantId, key, ...claim })
      .onConflictDoUpdate({ target: [flowStartKeys.tenantId, flowStartKeys.key], set: { ...claim, createdAt: sql`now()` }, setWhere: this.expired })
      .returning({ flowId: flowStartKeys.flowId });
    if (inserted.length) return { workflowId, existing: false };
    return (await this.find(tenantId, key, digest))!;
  }
}

function reused(key: string, flowId: string) {
  return createHttpError(422, `Idempotency-Key '${key}' was already used for a different request (flow ${flowId}); use a new key for a new start`, {
    issues: [{ field: `header ${IDEMPOTENCY_KEY_HEADER}`, rule: 'reused', message: `already used for a different request, which started flow ${flowId}` }],
  });
}
