/**
 * Versioning by engine revision: the revision of the engine a flow was started at is stamped in its memo (by
 * `flowStartOptions`, wherever the flow is started from), and the engine reads it from the start event. A change
 * that alters the command sequence applies to flows started at or after the revision that introduced it.
 *
 * Why not only `patched()`: every patch a flow passes costs it a marker event and an upsert of the
 * `TemporalChangeVersion` search attribute (the SDK core adds one per patch id), that is one visibility write more
 * per flow per patch, for the flow's whole life. A revision read from the start event costs nothing at run time.
 * What it cannot do that `patched()` can: change flows that are already running. Changes that must reach running
 * flows still go behind a patch, and once a revision covers them, new flows skip the patch (`changeApplies`).
 */
import * as wf from '@temporalio/workflow';

/**
 * 1: agent phases run on the agent queue (`agent-phases-on-agent-queue`) after a first try on the flow queue
 * (`agent-phases-try-flow-queue-first`), without their patch markers.
 * 2: `FlowStatus`/`CurrentPhase` are written at most once per workflow task (see the engine's `mirrorToVisibility`).
 */
export const ENGINE_REVISION = 2;

/** The memo key the revision is stamped under. */
export const ENGINE_REVISION_MEMO_KEY = 'engineRevision';

/** The revision the running flow was started at; 0 for flows started before revisions were stamped. */
export function startedAtRevision(): number {
  const stamped = wf.workflowInfo().memo?.[ENGINE_REVISION_MEMO_KEY];
  return typeof stamped === 'number' ? stamped : 0;
}

/**
 * Whether a change guarded by `patchId` applies to this flow. Flows started before `revision` decide by the patch,
 * as they always did. Flows started at `revision` or later take the change without a marker; while such a flow is
 * replayed the patch is still consulted, because a worker that predates revisions may have run part of it and
 * recorded the marker (a marker left unconsumed fails replay); consulting a patch during replay records nothing.
 */
export function changeApplies(patchId: string, revision: number): boolean {
  if (startedAtRevision() < revision) return wf.patched(patchId);
  if (wf.workflowInfo().unsafe.isReplaying) wf.patched(patchId);
  return true;
}
