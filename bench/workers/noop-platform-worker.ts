/**
 * A worker process running the real workflow bundle (the phase engine, encrypted payloads) with no-op phase
 * activities: the platform side of the orchestration benchmarks. Shaped like `npm run worker`: a flow worker on
 * TEMPORAL_TASK_QUEUE and an agent worker on its `-agents` queue. Configured like it too (TEMPORAL_ADDRESS, MFO_PAYLOAD_KEYS,
 * MFO_WORKFLOW_BUNDLE); needs no database.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { flowDataConverter, requirePayloadKeys } from '../../security/data-converter';
import { agentTaskQueue } from '../../workflows/start-options';
import { installRuntime } from '../../workers/runtime';
import { workflowCacheOptions } from '../../workers/workflow-cache';
import { noopPhaseActivities } from '../lib/noop-phases';

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(createLogger(config, 'bench-worker'));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: flowDataConverter(requirePayloadKeys(config.MFO_PAYLOAD_KEYS)),
    activities: noopPhaseActivities(),
  };
  const flow = await Worker.create({ ...common, taskQueue: config.TEMPORAL_TASK_QUEUE, workflowBundle: { codePath: config.MFO_WORKFLOW_BUNDLE! }, ...workflowCacheOptions(config) });
  const agent = await Worker.create({ ...common, taskQueue: agentTaskQueue(config.TEMPORAL_TASK_QUEUE) });
  await Promise.all([flow.run(), agent.run()]); // until SIGINT/SIGTERM, on which the SDK drains
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
