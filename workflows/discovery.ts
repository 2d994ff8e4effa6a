import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Discovery: raw export → trusted canonical inventory (FLOWS.md §1). */
export async function discoveryFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'discovery' });
}
