/**
 * Reading the state of a flow or programme. Once it has completed, its state is its result, read from the close
 * event of its history: no worker is involved. Querying a closed workflow instead makes a worker replay its whole
 * history (a closed workflow is in no worker's cache), which every start of a successor flow would pay, and which
 * fails while no worker is polling. A workflow that has not completed is queried.
 */
import { ServiceError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import createHttpError from 'http-errors';

/**
 * How long a reader waits for a worker to answer. A worker answers a cached flow's query in milliseconds and replays
 * an evicted one in well under a second; without a bound, a query nobody polls for waits for the server's own
 * timeout (30 s on the dev server) before failing.
 */
const QUERY_DEADLINE_MS = 5_000;

export async function workflowState<T>(handle: WorkflowHandle, query: QueryDefinition<T, []>): Promise<T> {
  const { status, taskQueue } = await handle.describe();
  if (status.name === 'COMPLETED') return (await handle.result()) as T;
  try {
    return await handle.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(query));
  } catch (err) {
    if (!(err instanceof ServiceError) || err instanceof WorkflowNotFoundError) throw err;
    // The server answered describe, so the workflow is intact and nothing is lost: only a worker can read it. The
    // server's reason (a deadline, a workflow task in failed state) is in the gRPC error's details.
    const reason = (err.cause as { details?: string } | undefined)?.details || err.message;
    const why = (await workerPolls(handle, taskQueue))
      ? `the workers polling task queue ${taskQueue} did not answer its state query within ${QUERY_DEADLINE_MS / 1000} s (${reason})`
      : `no worker is polling its task queue ${taskQueue}; start one (npm run worker)`;
    throw createHttpError(503, `${handle.workflowId} is intact but cannot be read right now: ${why}. Retry shortly`, {
      expose: true,
      headers: { 'retry-after': '5' },
    });
  }
}

/** Whether any worker has polled the task queue for workflow tasks lately (the server remembers a few minutes). */
async function workerPolls(handle: WorkflowHandle, taskQueue: string): Promise<boolean> {
  const { client } = handle;
  const described = await client.workflowService
    .describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    })
    .catch(() => null);
  return (described?.pollers?.length ?? 0) > 0;
}
