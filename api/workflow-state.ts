/**
 * Reading the state of a flow or programme. Once it has completed, its state is its result, read from the close
 * event of its history: no worker is involved. Querying a closed workflow instead makes a worker replay its whole
 * history (a closed workflow is in no worker's cache), which every start of a successor flow would pay, and which
 * fails while no worker is polling. A workflow that has not completed is queried.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

export async function workflowState<T>(handle: WorkflowHandle, query: QueryDefinition<T, []>): Promise<T> {
  const { status } = await handle.describe();
  return status.name === 'COMPLETED' ? ((await handle.result()) as T) : handle.query(query);
}
