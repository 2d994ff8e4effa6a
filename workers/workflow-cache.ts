import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';

/**
 * The workflow cache of a worker that runs flows: MFO_MAX_CACHED_WORKFLOWS when set, otherwise the SDK's default,
 * which it sizes from the heap limit. Shared by the platform's worker and the benchmark's workers, so a benchmark
 * compares both sides with the same cache.
 */
export function workflowCacheOptions(config: Config): Pick<WorkerOptions, 'maxCachedWorkflows'> {
  return config.MFO_MAX_CACHED_WORKFLOWS === undefined ? {} : { maxCachedWorkflows: config.MFO_MAX_CACHED_WORKFLOWS };
}
