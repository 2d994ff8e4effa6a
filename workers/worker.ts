/** Builds a worker for the flow task queue: workflow code from workflows/, phase activities with their deps. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Database } from '../db';
import { OfflineRulesProvider } from '../activities/agents/provider';
import { createPhaseActivities } from '../activities/phases';
import { flowDataConverter } from '../security/data-converter';

export interface FlowWorkerOptions {
  config: Config;
  connection: NativeConnection;
  db: Database;
  logger: Logger;
  /** The key ring for payload encryption (MFO_PAYLOAD_KEYS). */
  payloadKeys: string;
  /** A prebuilt bundle (tests, production images) skips bundling at start-up. */
  workflowBundlePath?: string;
  identity?: string;
}

export async function createFlowWorker(options: FlowWorkerOptions): Promise<Worker> {
  const { config, connection, db, logger } = options;
  const workflowSource: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(options.identity ? { identity: options.identity } : {}),
    ...workflowSource,
    dataConverter: flowDataConverter(options.payloadKeys),
    activities: createPhaseActivities({
      db,
      logger: logger.child({ component: 'activities' }),
      agents: new OfflineRulesProvider(),
      faultInjection: config.MFO_FAULT_INJECTION,
    }),
  });
}
