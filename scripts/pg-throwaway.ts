/** The throwaway PostgreSQL cluster of tests, CI and benchmarks (scripts/pg-throwaway.sh), for TypeScript callers. */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './temporal-cli';

export const PG_THROWAWAY = path.join(PROJECT_ROOT, 'scripts/pg-throwaway.sh');

/** The pid of the cluster's server process in `dir` (as given to `pg-throwaway.sh start DIR`): its backends are its children. */
export function postmasterPid(dir: string): number {
  return Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
