/**
 * The one vocabulary for flow and phase status, shared by workflows, the gateway, search attributes and the CLI.
 * Plain data (no zod) so the workflow bundle stays small; the gateway builds its zod enums from these arrays.
 */

export const FLOW_STATUSES = [
  'running',
  'paused',
  'awaiting_approval',
  'awaiting_input',
  'needs_attention',
  'completed',
  'cancelled',
] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

export const TERMINAL_FLOW_STATUSES: readonly FlowStatus[] = ['completed', 'cancelled'];

export const PHASE_STATUSES = ['pending', 'running', 'awaiting_approval', 'completed', 'skipped', 'failed'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

/**
 * Human gates: `approval` stops for a decision on the phase's result; `approval_before` stops before the phase
 * runs at all (a point of no return); `input_on_request` stops only when the phase asks for input.
 */
export const GATE_KINDS = ['approval', 'approval_before', 'input_on_request'] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/**
 * How often a flow writes `FlowStatus` and `CurrentPhase` to Temporal's visibility store. `every_phase`: at every
 * status change and phase boundary. `status_changes`: only when the status changes, and `CurrentPhase` then names
 * the phase a flow waits on (a gate, needs_attention, a pause) and is empty while it runs. Each write is a history
 * event, a write to the visibility store and, on Temporal Cloud, a billed action; the flow's own state (its query,
 * `GET /flows/:id`, the Web UI's current details) is exact either way.
 */
export const VISIBILITY_UPDATES = ['every_phase', 'status_changes'] as const;
export type VisibilityUpdates = (typeof VISIBILITY_UPDATES)[number];

/** Tenant ids are embedded in workflow ids and search attributes, so they are restricted to a safe slug. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
