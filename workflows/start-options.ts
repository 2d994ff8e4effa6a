/**
 * How a flow is started, wherever it is started from (gateway, chaining, programme, schedule): its id carries
 * the tenant, its search attributes are set from the first event, its memo names the engine revision it is
 * started at (so the engine can take changes without patch markers), and the Web UI gets a human summary.
 */
import { FLOW_CATALOG, type FlowType } from './catalog';
import { ENGINE_REVISION, ENGINE_REVISION_MEMO_KEY } from './engine-revision';
import type { FlowOptions, FlowStartInput } from './messages';
import { CurrentPhaseKey, FlowStatusKey, FlowTypeKey, TenantIdKey } from './search-attributes';

export function flowWorkflowId(tenantId: string, flowType: FlowType, unique: string): string {
  return `${tenantId}.${flowType}.${unique}`;
}

/** Whether the flow writes `CurrentPhase` at every phase boundary (see VISIBILITY_UPDATES). */
export const writesEveryPhase = (options: FlowOptions): boolean => options.visibilityUpdates !== 'status_changes';

/** The memo that stamps a workflow with the engine revision it is started at. */
export const revisionMemo = (revision: number) => ({ [ENGINE_REVISION_MEMO_KEY]: revision });

/**
 * `revision`: the gateway and schedules start flows at the current one. A flow or programme starting a child passes
 * its own, so every flow in a tree runs at the revision its root was started at: a worker from before a revision
 * (still running while workers roll out) never meets a child that a newer worker stamped with it.
 */
export function flowStartOptions(start: FlowStartInput, revision = ENGINE_REVISION) {
  const definition = FLOW_CATALOG[start.flowType];
  return {
    typedSearchAttributes: [
      { key: TenantIdKey, value: start.tenantId },
      { key: FlowTypeKey, value: start.flowType },
      { key: FlowStatusKey, value: 'running' },
      // The phase the engine starts with: it then has nothing to upsert until that phase ends (one visibility write
      // less). A flow that writes only status changes names no phase while it runs.
      ...(writesEveryPhase(start.options) ? [{ key: CurrentPhaseKey, value: definition.phases[0].name }] : []),
    ],
    memo: revisionMemo(revision),
    staticSummary: `${definition.title} flow for tenant ${start.tenantId}, started by ${start.requestedBy}`,
    staticDetails: `Phases: ${definition.phases.map((p) => `${p.name}${p.gate ? ` (gate: ${p.gate})` : ''}`).join(' → ')}`,
  };
}

/** Agent phases run on a task queue of their own next to the flow's, so its rate limit can be the provider's quota. */
export function agentTaskQueue(flowTaskQueue: string): string {
  return `${flowTaskQueue}-agents`;
}
