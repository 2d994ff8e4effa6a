import { runFlow } from './engine';
import type { FlowStartInput, FlowState } from './messages';

/** Execution: run one wave through a manual runbook (FLOWS.md §4). */
export async function executionFlow(input: FlowStartInput): Promise<FlowState> {
  return runFlow({ ...input, flowType: 'execution' });
}
