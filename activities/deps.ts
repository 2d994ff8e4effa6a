/** What activities need from the worker process, injected once when the worker starts. */
import type { Logger } from '../config/logger';
import type { Database } from '../db';
import type { AgentProvider } from './agents/provider';

export interface ActivityDeps {
  db: Database;
  logger: Logger;
  agents: AgentProvider;
  /** Honour FaultInjection options in flow input (chaos tests only). */
  faultInjection: boolean;
}
