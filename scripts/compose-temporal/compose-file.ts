/** docker-compose.temporal.yml as data: its services, their environment and the scripts of its one-shot jobs. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../temporal-cli';

export const COMPOSE_FILE = path.join(PROJECT_ROOT, 'docker-compose.temporal.yml');

export interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number> | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[] };
  restart?: string;
}

/** The file parsed as compose reads it: `merge` resolves its `<<` merge keys (YAML 1.1). */
export function readComposeFile(): { services: Record<string, ComposeService> } {
  return parseYaml(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
}

/** A service's `environment:` map as strings; `$$` in compose is a literal `$`. */
export function environmentOf(service: ComposeService): Record<string, string> {
  if (Array.isArray(service.environment)) throw new Error('environment as a list is not used in this file');
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\$/g, '$')]));
}

/** A one-shot job's `sh -c` script, as the container's shell receives it. */
export function jobScript(service: ComposeService): string {
  const script = Array.isArray(service.command) ? service.command[0] : service.command;
  if (!script) throw new Error('the job has no command');
  return script.replace(/\$\$/g, '$');
}
