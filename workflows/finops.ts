import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** FinOps: cost, savings and budget; can run on a schedule (FLOWS.md §6). */
export async function finopsFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'finops' });
}
