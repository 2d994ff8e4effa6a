/** JSON logs via pino: structured, fast, and what log pipelines expect. */
import pino from 'pino';
import type { Config } from './index';

export type Logger = pino.Logger;

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string): Logger {
  return pino({ name, level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] });
}
