import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Observability: SLOs, logging and alert rules (FLOWS.md §7). */
export async function observabilityFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'observability' });
}
