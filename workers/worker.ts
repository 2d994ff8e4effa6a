/**
 * The workers of one process: the flow worker (workflow code and every phase activity) on TEMPORAL_TASK_QUEUE, and
 * the agent worker on `<queue>-agents`, which runs the agent phases that must send a model request (the engine
 * tries each agent phase on the flow queue first). The provider's request quota is kept per request, for the
 * whole fleet, in PostgreSQL (activities/agents/request-quota.ts), so the agent queue itself needs no rate limit.
 */
import v8 from 'node:v8';
import { NativeConnection, Worker, type State, type WorkerOptions } from '@temporalio/worker';
import { llmConfigured, type Config } from '../config';
import type { Logger } from '../config/logger';
import type { Database } from '../db';
import { LlmAgentProvider } from '../activities/agents/llm-provider';
import { OfflineRulesProvider, type AgentProvider } from '../activities/agents/provider';
import { createPhaseActivities } from '../activities/phases';
import { FLOW_CATALOG } from '../workflows/catalog';
import { agentTaskQueue } from '../workflows/start-options';
import { flowDataConverter } from '../security/data-converter';
import { cacheHeapWarning, workflowCacheOptions } from './workflow-cache';
import { PLATFORM_WORKFLOWS_SOURCE } from './workflow-bundle';

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

/** Both workers as one unit: run until shutdown (or SIGINT/SIGTERM, which the SDK handles by draining). */
export interface FlowWorkers {
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
}

/** Activities of phases that consult an agent: the only ones the agent worker registers. */
const AGENT_ACTIVITIES = new Set(
  Object.values(FLOW_CATALOG).flatMap((flow) => flow.phases.filter((p) => p.agents?.length).map((p) => p.activity)),
);

export function agentProviderFor(config: Config, db: Database, logger: Logger): AgentProvider {
  return llmConfigured(config) ? new LlmAgentProvider(config, db, logger.child({ component: 'llm' })) : new OfflineRulesProvider();
}

export async function createFlowWorker(options: FlowWorkerOptions): Promise<FlowWorkers> {
  const { config, connection, db, logger } = options;
  // Bundled at start-up with the same options as a prebuilt bundle (workflow-bundle.ts).
  const workflowSource: Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle' | 'bundlerOptions'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : PLATFORM_WORKFLOWS_SOURCE;
  // Workflow threads have this process's heap limit.
  const cacheWarning = cacheHeapWarning(config.MFO_MAX_CACHED_WORKFLOWS, v8.getHeapStatistics().heap_size_limit);
  if (cacheWarning) logger.warn({ maxCachedWorkflows: config.MFO_MAX_CACHED_WORKFLOWS }, cacheWarning);
  const agents = agentProviderFor(config, db, logger);
  const activities = createPhaseActivities({
    db,
    logger: logger.child({ component: 'activities' }),
    agents,
    faultInjection: config.MFO_FAULT_INJECTION,
  });
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(options.identity ? { identity: options.identity } : {}),
    dataConverter: flowDataConverter(options.payloadKeys),
  };
  // The flow worker keeps every activity: flows recorded before agent phases had their own queue still schedule them here.
  const flow = await Worker.create({
    ...common,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflowSource,
    activities,
    ...workflowCacheOptions(config),
  });
  const agent = await Worker.create({
    ...common,
    taskQueue: agentTaskQueue(config.TEMPORAL_TASK_QUEUE),
    activities: Object.fromEntries(Object.entries(activities).filter(([name]) => AGENT_ACTIVITIES.has(name))),
    // Cancellation reaches an activity through its heartbeats: throttle them little so a pause aborts a model call quickly.
    maxHeartbeatThrottleInterval: '1 second',
  });
  logger.info(
    { provider: agents.name, agentTaskQueue: agentTaskQueue(config.TEMPORAL_TASK_QUEUE), agentRequestsPerMinute: config.MFO_AGENT_REQUESTS_PER_MINUTE },
    `agents answered by ${agents.name === 'llm' ? `an LLM (${config.OPENAI_BASE_URL ?? 'api.openai.com'}, model ${config.MFO_LLM_MODEL})` : 'the offline rules provider'}`,
  );
  const shutdown = () => {
    for (const w of [flow, agent]) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    run: async () => {
      const runs = [flow.run(), agent.run()];
      try {
        await Promise.all(runs);
      } catch (err) {
        // One worker failing stops the other: a process that half-works would hold tasks it never finishes.
        shutdown();
        await Promise.allSettled(runs);
        throw err;
      }
    },
    shutdown,
    getState: () => flow.getState(),
  };
}
