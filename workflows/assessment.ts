import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Assessment: what to do with each application (FLOWS.md §2). */
export async function assessmentFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'assessment' });
}
