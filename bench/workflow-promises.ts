/**
 * How many promises the workflow code creates, per committed history of the current engine and per activity it
 * schedules. The SDK's promise hook captures and formats a stack trace for every promise created in a workflow's
 * context (for the stack-trace query), so this count is a share of the worker's CPU per phase that, unlike a
 * timing, does not move with the machine's load: an engine change that adds or removes async layers shows here
 * exactly (BENCHMARKS.md, stop 30).
 *
 * It counts by wrapping the SDK's hook: `v8.promiseHooks.createHook` is replaced before the replay worker installs
 * its hook, and every promise whose constructor is not this realm's `Promise` (one created inside a workflow's V8
 * context) is counted once.
 *
 *   npm run bench:promises
 */
import v8 from 'node:v8';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { runMain } from './lib/entry';
import { committedHistoriesReplayOptions, currentEngineHistories } from './lib/histories';
import { machine, writeResults } from './lib/report';
import { round } from './lib/stats';

let counted = new WeakSet<Promise<unknown>>();
let workflowPromises = 0;

function countWorkflowPromises(): void {
  const createHook = v8.promiseHooks.createHook.bind(v8.promiseHooks);
  v8.promiseHooks.createHook = (hooks) =>
    createHook({
      ...hooks,
      init(promise, parent) {
        if (promise.constructor !== Promise && !counted.has(promise)) {
          counted.add(promise);
          workflowPromises++;
        }
        hooks.init?.(promise, parent);
      },
    });
}

async function main(): Promise<void> {
  countWorkflowPromises();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const options = await committedHistoriesReplayOptions();
  const results = [];
  for (const { file, history } of currentEngineHistories()) {
    counted = new WeakSet();
    workflowPromises = 0;
    await Worker.runReplayHistory(options, history, file);
    const activities = history.events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED').length;
    results.push({ history: file, events: history.events.length, activities, promises: workflowPromises, promisesPerActivity: activities ? round(workflowPromises / activities) : null });
  }
  for (const r of results) console.log(`${r.history.padEnd(36)} ${String(r.events).padStart(4)} events ${String(r.activities).padStart(3)} activities ${String(r.promises).padStart(5)} promises${r.promisesPerActivity === null ? '' : `, ${r.promisesPerActivity} per activity`}`);
  const total = results.reduce((sum, r) => sum + r.promises, 0);
  console.log(`${total} workflow promises over ${results.length} histories`);
  const document = { machine: machine(), at: new Date().toISOString(), totalPromises: total, results };
  console.log(`written to ${writeResults('workflow-promises', document)}`);
}

runMain(main);
