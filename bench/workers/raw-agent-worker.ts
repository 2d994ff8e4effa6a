/**
 * The baseline's model-calling worker: activities only, on TEMPORAL_TASK_QUEUE, holding the quota the way raw
 * Temporal offers — the task queue's rate limit (MFO_AGENT_REQUESTS_PER_MINUTE / 60 activities per second, across
 * all workers of the queue) — and calling OPENAI_BASE_URL.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { installRuntime } from '../../workers/runtime';
import { rawAgentActivities } from '../raw/agent-activities';

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime(createLogger(config, 'bench-raw-agent-worker'));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: rawAgentActivities(config.OPENAI_BASE_URL!),
    maxTaskQueueActivitiesPerSecond: config.MFO_AGENT_REQUESTS_PER_MINUTE / 60,
  });
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
