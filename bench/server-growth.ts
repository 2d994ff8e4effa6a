/**
 * How the dev server's cost per flow changes as it fills. One kind of flow (or both, by turns), 64 in flight in a
 * closed loop, in windows of a fixed length on one fresh dev server: raw-baseline flows (no platform code), or the
 * platform's Discovery flows on no-op phases, started through the gateway as in scenario 3. For each window: the
 * server's CPU per completed flow and its resident memory, and, from the server's own Prometheus metrics, the time
 * its persistence operations took per flow. Scenario 3's rounds run on one server for ten minutes, so a server whose
 * cost per flow grows as it fills makes a ratio depend on when each side was measured: this measures that growth.
 *
 *   npm run bench:server-growth -- --store memory   # raw flows on the in-memory dev server
 *   npm run bench:server-growth -- --store file --flows platform --windows 12 --seconds 40
 *   npm run bench:server-growth -- --store file --flows alternate --windows 6 --seconds 60   # platform, raw, platform…
 */
import { parseArgs } from 'node:util';
import { freePort } from '../tests/support/ports';
import { createContext, toolContextOptions, type BenchContext } from './lib/context';
import { closedLoop } from './lib/closed-loop';
import { cpuDuring, cpuMsPer, rssMb } from './lib/cpu';
import { devServerStore } from './lib/environment';
import { platformResult, rawResult, rawShape, startPlatformFlow, startRawFlow } from './lib/flows';
import { machine, writeResults } from './lib/report';
import { round } from './lib/stats';
import { runMain } from './lib/entry';

const FLOW_KINDS = {
  raw: async (ctx: BenchContext) => rawResult(ctx, (await startRawFlow(ctx, rawShape(false))).workflowId),
  platform: async (ctx: BenchContext) => platformResult(ctx, (await startPlatformFlow(ctx, true)).workflowId),
};
type FlowKind = keyof typeof FLOW_KINDS;

/**
 * The kind of flow each window (numbered from 1) runs, from --flows: one kind throughout, or `alternate`, platform
 * flows in odd windows and raw ones in even windows, taking turns as scenario 3's rounds do.
 */
function windowKinds(flows: string): (window: number) => FlowKind {
  if (flows === 'alternate') return (window) => (window % 2 === 1 ? 'platform' : 'raw');
  if (flows in FLOW_KINDS) return () => flows as FlowKind;
  throw new Error(`--flows wants ${Object.keys(FLOW_KINDS).join(', ')} or alternate, got '${flows}'`);
}

const IN_FLIGHT = 64;

/**
 * Cumulative seconds and calls per persistence operation, from the server's `persistence_latency` histogram and,
 * prefixed `visibility:`, its `visibility_persistence_latency` one. On the dev server's SQLite file both go through
 * one database connection (the SQLite plugin's default), so together they are the work that bounds its throughput.
 */
async function persistenceTotals(metricsUrl: string): Promise<Map<string, { seconds: number; calls: number }>> {
  const totals = new Map<string, { seconds: number; calls: number }>();
  for (const line of (await (await fetch(metricsUrl)).text()).split('\n')) {
    const match = /^(visibility_)?persistence_latency_(sum|count)\{.*operation="([^"]+)".*\} (\S+)$/.exec(line);
    if (!match) continue;
    const [, visibility, kind, operation, value] = match;
    const key = `${visibility ? 'visibility:' : ''}${operation}`;
    const entry = totals.get(key) ?? { seconds: 0, calls: 0 };
    if (kind === 'sum') entry.seconds += Number(value);
    else entry.calls += Number(value);
    totals.set(key, entry);
  }
  return totals;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { store: { type: 'string', default: 'memory' }, flows: { type: 'string', default: 'raw' }, windows: { type: 'string', default: '6' }, seconds: { type: 'string', default: '40' } } });
  const store = devServerStore(values.store, '--store');
  const kind = values.flows;
  const kindOfWindow = windowKinds(kind);
  const [windows, seconds] = [Number(values.windows), Number(values.seconds)];

  const metricsPort = await freePort();
  const ctx = await createContext(toolContextOptions({ store, metricsPort }));
  const results: Record<string, unknown>[] = [];
  try {
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    let before = await persistenceTotals(metricsUrl);
    let held = 0;
    for (let w = 1; w <= windows; w++) {
      const flowKind = kindOfWindow(w);
      const { result: completions, cpu } = await cpuDuring(ctx.processes(), () => closedLoop(IN_FLIGHT, performance.now() + seconds * 1000, () => FLOW_KINDS[flowKind](ctx)));
      const flows = completions.length;
      held += flows;
      const after = await persistenceTotals(metricsUrl);
      const persistence = Object.fromEntries(
        [...after]
          .map(([operation, total]) => {
            const seconds = total.seconds - (before.get(operation)?.seconds ?? 0);
            const calls = total.calls - (before.get(operation)?.calls ?? 0);
            return [operation, { msPerFlow: round((seconds * 1000) / flows), callsPerFlow: round(calls / flows), msPerCall: calls ? round((seconds * 1000) / calls, 3) : 0 }] as const;
          })
          .filter(([, v]) => v.msPerFlow >= 0.2)
          .sort(([, a], [, b]) => b.msPerFlow - a.msPerFlow),
      );
      before = after;
      const cpuMsPerFlow = cpuMsPer(cpu, flows);
      const rss = rssMb(ctx.env.pids.temporal);
      results.push({ window: w, kind: flowKind, flows, flowsHeld: held, flowsPerSecond: round(flows / seconds), cpuMsPerFlow, serverRssMb: rss, persistence });
      console.log(`window ${w} (${flowKind}): ${flows} flows (${(flows / seconds).toFixed(1)}/s), ${held} held; server ${cpuMsPerFlow.temporal} ms CPU per flow, RSS ${rss} MB`);
      for (const [operation, v] of Object.entries(persistence).slice(0, 8)) console.log(`  ${operation}: ${v.msPerFlow} ms per flow, ${v.callsPerFlow} calls of ${v.msPerCall} ms`);
    }
  } finally {
    await ctx.stop();
  }
  const document = { machine: machine(), temporalServer: ctx.env.temporalServer, flows: kind, inFlight: IN_FLIGHT, secondsPerWindow: seconds, at: new Date().toISOString(), results };
  console.log(`written to ${writeResults(`server-growth-${store}-${kind}`, document)}`);
}

runMain(main);
