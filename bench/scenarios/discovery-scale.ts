/**
 * Scenario 5 — Discovery over a 10,000-server inventory with the real activities: bench/scale.ts in a child process
 * (so peak RSS is the worker's and gateway's, not this runner's) on this run's dev server and database. The
 * baseline is the raw 6-phase flow on no-op activities: the orchestration floor under Discovery's wall time and
 * the history size of the bare shape.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import type { BenchContext } from '../lib/context';
import { rawResult, rawShape, startRawFlow } from '../lib/flows';
import type { ScenarioResult } from '../lib/report';
import { elapsedMs, round } from '../lib/stats';

const GOAL_WALL_S = 60;
const GOAL_RSS_MB = 1024;
const GOAL_HISTORY_MB = 5;

interface ScaleOutput {
  servers: number;
  results: { flowType: string; wallSeconds: number; peakRssMb: number; historyEvents: number; historyBytes: number }[];
}

export async function discoveryScale(ctx: BenchContext): Promise<ScenarioResult> {
  const servers = ctx.quick ? 1000 : 10_000;
  const applications = Math.round(servers * 0.15);
  const out = path.join(ctx.env.tempDir, 'scale.json');
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/scale.ts', '--servers', String(servers), '--applications', String(applications), '--flows', 'discovery', '--json-out', out], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: ctx.env.temporalAddress, DATABASE_URL: ctx.env.databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const discovery = (JSON.parse(fs.readFileSync(out, 'utf8')) as ScaleOutput).results.find((r) => r.flowType === 'discovery')!;

  const t = process.hrtime.bigint();
  const { workflowId } = await startRawFlow(ctx, rawShape(false));
  await rawResult(ctx, workflowId);
  const rawWallS = elapsedMs(t) / 1000;
  const rawHistoryBytes = (await ctx.rawClient.workflow.getHandle(workflowId).describe()).historySize ?? NaN;

  const historyMb = discovery.historyBytes / 1e6;
  return {
    id: 5,
    name: `Discovery over ${servers} servers`,
    measurements: [
      { metric: 'wall time', unit: 's', platform: round(discovery.wallSeconds), raw: round(rawWallS, 3), goal: `≤ ${GOAL_WALL_S} s`, met: discovery.wallSeconds <= GOAL_WALL_S },
      { metric: 'peak RSS, worker + gateway process', unit: 'MB', platform: discovery.peakRssMb, raw: null, goal: `≤ ${GOAL_RSS_MB} MB`, met: discovery.peakRssMb <= GOAL_RSS_MB },
      { metric: 'history size', unit: 'MB', platform: round(historyMb, 3), raw: round(rawHistoryBytes / 1e6, 3), goal: `≤ ${GOAL_HISTORY_MB} MB`, met: historyMb <= GOAL_HISTORY_MB },
    ],
    details: { servers, applications, discovery },
  };
}
