/** The Temporal SDK runtime of a worker process: logging into pino and, optionally, Prometheus metrics. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../config/logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the SDK runtime once per process: its logs go to pino, and with `metricsAddress` its Prometheus
 * exporter serves worker metrics (task latencies, activity execution latency per activity type = per phase,
 * slots, polls) on that host:port.
 */
export function installRuntime(logger: Logger, metricsAddress?: string): void {
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => sdk[LEVELS[level]](meta ?? {}, message)),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
  });
}
