/**
 * --compiled: the gateway and the workers run as the Docker image runs them, compiled JavaScript under plain Node,
 * instead of TypeScript through tsx (which also turns on Node's source maps). The bench's own workers are compiled
 * next to the production build, under dist/bench/.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';

export function buildCompiled(): void {
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  run('npm', ['run', 'build', '--silent']);
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join('bench', 'tsconfig.build.json')]);
}

/** `api/main.ts` → `dist/api/main.js`. */
export const compiledEntry = (entry: string): string => path.join('dist', entry.replace(/\.ts$/, '.js'));
