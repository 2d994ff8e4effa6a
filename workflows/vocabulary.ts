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

/** Tenant ids are embedded in workflow ids and search attributes, so they are restricted to a safe slug. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
