import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Planning: when and in what order (FLOWS.md §3). */
export async function planningFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'planning' });
}
