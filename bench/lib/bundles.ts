/** Workflow bundles built once per run and handed to every worker process, so no worker bundles at start-up. */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PLATFORM_BUNDLE_OPTIONS } from '../../workers/workflow-bundle';

export interface Bundles {
  /** The platform's workflows (the phase engine), bundled as the workers bundle them (workers/workflow-bundle.ts). */
  platform: string;
  /** The raw baseline (bench/raw/workflows.ts), default converters. */
  raw: string;
}

const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };

/** The platform's workflow bundle's code, built as the workers build it. */
export async function bundlePlatformWorkflows(): Promise<string> {
  return (await bundleWorkflowCode({ ...PLATFORM_BUNDLE_OPTIONS, logger: quiet })).code;
}

export async function buildBundles(dir: string): Promise<Bundles> {
  const platform = await bundlePlatformWorkflows();
  const raw = await bundleWorkflowCode({ workflowsPath: require.resolve('../raw/workflows'), logger: quiet });
  const bundles = { platform: path.join(dir, 'platform-workflows.js'), raw: path.join(dir, 'raw-workflows.js') };
  fs.writeFileSync(bundles.platform, platform);
  fs.writeFileSync(bundles.raw, raw.code);
  return bundles;
}
