import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Modernize: opportunities, target architecture and backlog (FLOWS.md §5). */
export async function modernizeFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'modernize' });
}
