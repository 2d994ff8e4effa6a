/**
 * The benchmark suite: each scenario measures the platform and a raw-Temporal baseline in the same run, on the
 * same dev server, and reports the ratio. Prints a table and the JSON document, which is also written to
 * bench/results/bench-<timestamp>.json. See BENCHMARKS.md for the method and the figures.
 *
 *   npm run bench                          # every scenario at full size
 *   npm run bench -- --quick --only 1,3    # chosen scenarios at reduced size
 *   npm run bench -- --only 4 --gate-flows 2000   # scenario 4 with fewer parked flows (10,000 by default)
 *   npm run bench -- --only 3 --rounds 3        # scenario 3 three times per side, alternating; medians
 *   npm run bench -- --only 4 --workers 4       # four worker processes per side, each caching a quarter
 *   npm run bench -- --only 3 --cpu-prof prof     # also V8 CPU profiles of the gateway and workers, into prof/
 *   npm run bench -- --only 4 --logs logs         # keep the gateway's and workers' logs in logs/
 *   npm run bench -- --only 4 --logs logs --node-arg=--trace-gc   # Node flags for the gateway and workers
 *   npm run bench -- --only 3 --temporal-address 127.0.0.1:7233 --count-pid temporal=PID   # against a given server
 *   npm run bench -- --only 3 --dev-server-store memory   # the dev server in memory (a SQLite file by default)
 *   npm run bench -- --only 3 --visibility-updates status_changes   # platform flows write status changes only
 *   npm run bench -- --only 3 --compiled   # gateway and workers compiled under plain Node, as the Docker image runs them
 *   npm run bench -- --only 1 --dev-server-config history.transferProcessorMaxPollRPS=20   # dev server dynamic config over its defaults (here: the stock transfer-queue reader)
 *   npm run bench -- --quick --results-dir /tmp/results   # write the JSON there instead of bench/results
 *
 * Exits with status 1 when a scenario failed (its row says FAILED; the others' figures are still written).
 */
import { parseArgs } from 'node:util';
import { createContext, visibilityUpdatesOption, type BenchContext } from './lib/context';
import { devServerStore, dynamicConfigValue } from './lib/environment';
import { drain } from './lib/flows';
import { machine, printTable, writeResults, type ScenarioResult } from './lib/report';
import { agentThroughput } from './scenarios/agent-throughput';
import { approvalResume } from './scenarios/approval-resume';
import { discoveryScale } from './scenarios/discovery-scale';
import { phaseOverhead } from './scenarios/phase-overhead';
import { startLatency } from './scenarios/start-latency';
import { throughput } from './scenarios/throughput';
import { runMain } from './lib/entry';

const SCENARIOS: { id: number; run: (ctx: BenchContext) => Promise<ScenarioResult> }[] = [
  { id: 1, run: phaseOverhead },
  { id: 2, run: startLatency },
  { id: 3, run: throughput },
  { id: 4, run: approvalResume },
  { id: 5, run: discoveryScale },
  { id: 6, run: agentThroughput },
];

function atLeastOne(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a whole number of at least 1, got '${value}'`);
  return n;
}

/** `role=PID` of --count-pid. */
function countedPid(arg: string): [string, number] {
  const match = /^([\w-]+)=(\d+)$/.exec(arg);
  if (!match) throw new Error(`--count-pid wants role=PID (e.g. temporal=1234), got '${arg}'`);
  return [match[1], Number(match[2])];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'gate-flows': { type: 'string' }, rounds: { type: 'string', default: '1' }, workers: { type: 'string', default: '1' }, 'cpu-prof': { type: 'string' }, logs: { type: 'string' }, 'node-arg': { type: 'string', multiple: true }, 'temporal-address': { type: 'string' }, 'dev-server-store': { type: 'string', default: 'file' }, 'count-pid': { type: 'string', multiple: true }, 'visibility-updates': { type: 'string' }, compiled: { type: 'boolean', default: false }, 'dev-server-config': { type: 'string', multiple: true }, 'results-dir': { type: 'string' } } });
  const only = values.only ? values.only.split(',').map(Number) : SCENARIOS.map((s) => s.id);
  const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);

  const gateFlows = values['gate-flows'] ? Number(values['gate-flows']) : null;
  const rounds = atLeastOne(values.rounds, '--rounds');
  const workers = atLeastOne(values.workers, '--workers');
  const ctx = await createContext({
    quick: values.quick,
    gateFlows,
    workers,
    rounds,
    cpuProfileDir: values['cpu-prof'] ?? null,
    logDir: values.logs ?? null,
    nodeArgs: values['node-arg'] ?? [],
    temporalAddress: values['temporal-address'] ?? null,
    devServer: { store: devServerStore(values['dev-server-store'], '--dev-server-store'), dynamicConfig: (values['dev-server-config'] ?? []).map(dynamicConfigValue) },
    countedPids: Object.fromEntries((values['count-pid'] ?? []).map(countedPid)),
    visibilityUpdates: visibilityUpdatesOption(values['visibility-updates']),
    compiled: values.compiled,
  });
  const results: ScenarioResult[] = [];
  const failed: number[] = [];
  try {
    for (const scenario of SCENARIOS.filter((s) => only.includes(s.id))) {
      await drain(ctx);
      const started = Date.now();
      console.log(`scenario ${scenario.id}…`);
      // A failed scenario is reported as such; the others' figures still count.
      const result = await scenario.run(ctx).catch((err: Error): ScenarioResult => {
        console.error(err);
        failed.push(scenario.id);
        return { id: scenario.id, name: `FAILED: ${err.message}`, measurements: [], details: {} };
      });
      console.log(`scenario ${scenario.id}: ${result.name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      results.push(result);
    }
  } finally {
    await ctx.stop();
  }
  const visibilityUpdates = values['visibility-updates'] ?? 'every_phase (the default)';
  const document = { machine: machine(), temporalServer: ctx.env.temporalServer, visibilityUpdates, compiled: values.compiled, quick: values.quick, gateFlows: ctx.gateFlows, workersPerSide: ctx.workers, at: new Date().toISOString(), results };
  console.log();
  printTable(results);
  console.log();
  console.log(JSON.stringify(document));
  console.log(`written to ${writeResults(values.quick ? 'bench-quick' : 'bench', document, values['results-dir'])}`);
  if (failed.length) {
    console.error(`scenario ${failed.join(', ')} failed`);
    process.exitCode = 1;
  }
}

runMain(main);
