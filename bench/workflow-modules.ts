/**
 * What each workflow instance costs a worker before its code runs: the reusable V8 context evaluates the bundle's
 * modules again for every workflow it creates (new or replayed) and keeps them while the workflow is cached.
 * Creates workflows from three bundles in the SDK's reusable V8 context, in this process, and prints the heap each
 * retains and the time to create it: the raw baseline's, the platform's without preloaded modules, and the
 * platform's as workers bundle it (workers/workflow-bundle.ts). No server: module evaluation is what is measured.
 *
 *   npm run bench:workflow-modules [-- --workflows 3000]
 *
 * Uses the SDK's internal ReusableVMWorkflowCreator (the class workers run workflows in), so it may need adjusting
 * when the SDK changes.
 */
import { parseArgs } from 'node:util';
import { TypedSearchAttributes } from '@temporalio/common';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { parseWorkflowCode } from '@temporalio/worker/lib/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { WorkflowCreateOptions } from '@temporalio/workflow/lib/interfaces';
import { PLATFORM_BUNDLE_OPTIONS } from '../workers/workflow-bundle';
import { machine, writeResults } from './lib/report';
import { round } from './lib/stats';
import { runMain } from './lib/entry';

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };
const WARM_UP = 100;
/** Every workflow created stays referenced to the end: what is measured is what a cached workflow keeps. */
const retained: unknown[] = [];

interface Variant {
  name: string;
  workflowType: string;
  bundle: BundleOptions;
}

const VARIANTS: Variant[] = [
  { name: 'raw baseline', workflowType: 'rawFlow', bundle: { workflowsPath: require.resolve('./raw/workflows') } },
  { name: 'platform, no preloaded modules', workflowType: 'assessmentFlow', bundle: { ...PLATFORM_BUNDLE_OPTIONS, preloadModules: [] } },
  { name: 'platform, as workers bundle it', workflowType: 'assessmentFlow', bundle: PLATFORM_BUNDLE_OPTIONS },
];

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:workflow-modules does)');
  gc();
  gc();
}

function createOptions(workflowType: string, i: number): WorkflowCreateOptions {
  const now = new Date();
  const info = {
    workflowId: `bench-${i}`,
    runId: `run-${i}`,
    firstExecutionRunId: `run-${i}`,
    workflowType,
    taskQueue: 'bench',
    namespace: 'default',
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    attempt: 1,
    historyLength: 3,
    historySize: 0,
    continueAsNewSuggested: false,
    startTime: now,
    runStartTime: now,
    unsafe: { isReplaying: false, now: () => Date.now() },
  } as unknown as WorkflowInfo;
  return { info, randomnessSeed: [1, 2, 3, 4], now: now.getTime(), showStackTraceSources: false };
}

async function measure(variant: Variant, workflows: number) {
  const { code } = await bundleWorkflowCode({ ...variant.bundle, logger: quiet });
  const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(code), 5_000, new Set());
  for (let i = 0; i < WARM_UP; i++) retained.push(await creator.createWorkflow(createOptions(variant.workflowType, i)));
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  for (let i = WARM_UP; i < WARM_UP + workflows; i++) retained.push(await creator.createWorkflow(createOptions(variant.workflowType, i)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  collectGarbage();
  const retainedKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  return { variant: variant.name, workflows, heapKbPerWorkflow: round(retainedKb / workflows, 1), createMsPerWorkflow: round(ms / workflows, 3) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workflows: { type: 'string', default: '3000' } } });
  const workflows = Number(values.workflows);
  const results = [];
  for (const variant of VARIANTS) {
    const result = await measure(variant, workflows);
    console.log(`${result.variant.padEnd(34)} ${String(result.heapKbPerWorkflow).padStart(6)} KB heap  ${String(result.createMsPerWorkflow).padStart(6)} ms to create, per workflow`);
    results.push(result);
  }
  const document = { machine: machine(), at: new Date().toISOString(), results };
  console.log(`written to ${writeResults('workflow-modules', document)}`);
}

runMain(main);
