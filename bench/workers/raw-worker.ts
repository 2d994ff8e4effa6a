/** A worker process for the raw baseline: bench/raw's workflow and no-op activity, default data converter. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { installRuntime } from '../../workers/runtime';
import { workflowCacheOptions } from '../../workers/workflow-cache';
import { rawActivities } from '../raw/activities';

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(createLogger(config, 'bench-raw-worker'));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: config.MFO_WORKFLOW_BUNDLE! },
    ...workflowCacheOptions(config),
    activities: rawActivities,
  });
  await worker.run(); // until SIGINT/SIGTERM, on which the SDK drains
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
