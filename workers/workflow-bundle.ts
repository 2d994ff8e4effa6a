/**
 * What the platform's workflow bundle is built from, wherever it is built: at worker start-up, ahead of time (the
 * test suite, the benchmarks, production images) and for replay, so every one runs the same code the same way.
 *
 * The SDK's reusable V8 context gives each workflow its own copy of each module of the bundle: module scope runs
 * again for every workflow a worker starts or replays, and that copy stays in memory while the workflow is cached.
 * Preloaded modules run once per workflow thread and are shared, deep-frozen, by every workflow in it. Only modules
 * with no per-workflow state may be listed: the catalog, the engine revision, the message definitions, the search
 * attribute keys, the start options, the failure converter (and the SDK's workflow API, which they import and which
 * keeps its state in the per-workflow activator). The engine is not: its module scope builds the activity proxies it uses.
 * `npm run bench:workflow-modules` measures what this saves per workflow.
 */
import type { BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../security/data-converter';

export const WORKFLOWS_PATH = require.resolve('../workflows');

export const PRELOADED_WORKFLOW_MODULES = [
  require.resolve('../workflows/catalog'),
  require.resolve('../workflows/engine-revision'),
  require.resolve('../workflows/messages'),
  require.resolve('../workflows/search-attributes'),
  require.resolve('../workflows/start-options'),
  FAILURE_CONVERTER_PATH,
];

/** A Worker's workflow source when it bundles the platform's workflows itself (the data converter names the failure converter). */
export const PLATFORM_WORKFLOWS_SOURCE = { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_WORKFLOW_MODULES } };

/** bundleWorkflowCode's options for the platform's workflows (add a logger as the caller wishes). */
export const PLATFORM_BUNDLE_OPTIONS: Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath' | 'preloadModules'> = {
  workflowsPath: WORKFLOWS_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
  preloadModules: PRELOADED_WORKFLOW_MODULES,
};
