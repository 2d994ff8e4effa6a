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

/**
 * Heap one cached flow takes on the workflow thread, for sizing. A parked Assessment flow took 63 KB in the
 * benchmark (90 KB before the modules were preloaded; BENCHMARKS.md); flows with more phases or state take more.
 */
export const CACHED_FLOW_HEAP_BYTES = 100 * 1024;
/** The share of the heap a full cache may take: the thread also needs room for the work of each task and for GC. */
const CACHE_HEAP_SHARE = 0.75;

/**
 * A warning for the operator when MFO_MAX_CACHED_WORKFLOWS would fill the workflow thread's heap, else null. The
 * thread has the process's heap limit (Node's default, or --max-old-space-size); a cache that outgrows it ends
 * the worker out of memory, long after start-up, when enough flows are parked. The SDK's default cache is sized
 * from the heap, so only an explicit size is checked.
 */
export function cacheHeapWarning(maxCachedWorkflows: number | undefined, heapLimitBytes: number): string | null {
  if (maxCachedWorkflows === undefined) return null;
  const needed = maxCachedWorkflows * CACHED_FLOW_HEAP_BYTES;
  if (needed <= heapLimitBytes * CACHE_HEAP_SHARE) return null;
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20).toLocaleString('en-US');
  return (
    `MFO_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows} needs about ${mb(needed)} MB of the workflow thread's heap when full, ` +
    `more than ${CACHE_HEAP_SHARE * 100} % of its ${mb(heapLimitBytes)} MB limit: lower it and run more workers, ` +
    `or raise --max-old-space-size in NODE_OPTIONS`
  );
}
