import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Decommission: prove it is safe, archive, shut down with four eyes (FLOWS.md §8). */
export async function decommissionFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'decommission' });
}
