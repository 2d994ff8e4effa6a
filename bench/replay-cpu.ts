/**
 * The workflow code's own CPU, without a server or a noisy neighbour: replays the committed histories of the current
 * engine (tests/histories, without the `pre-*` ones recorded before a versioned change) several times in one
 * process and reads the process's CPU around the replay. A replay runs the same bundle, reusable V8 context and SDK
 * promise hook as a live worker, so this is what a change to the engine's code saves per workflow task, apart from
 * the server and the activities.
 *
 * With --stack-trace-limits, each V8 stack-trace limit (frames an Error captures; V8's default is 10) is measured in
 * its own child process, the limits taking turns for --rounds rounds, and each is compared with the first of the
 * list, in this run. The SDK's promise hook captures a stack trace for every promise a workflow creates (for the
 * stack-trace query), and a context's limit is fixed when the context is created, so the flag is set before the
 * replay worker starts its workflow thread.
 *
 *   npm run bench:replay [-- --passes 10]
 *   npm run bench:replay -- --stack-trace-limits 10,6,3 --rounds 2
 */
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../scripts/temporal-cli';
import { runMain } from './lib/entry';
import { committedHistoriesReplayOptions, currentEngineHistories } from './lib/histories';
import { machine, writeResults } from './lib/report';
import { median, round } from './lib/stats';

interface Measurement {
  stackTraceLimit: number | 'default';
  histories: number;
  cpuMsPerHistory: number;
}

/** One measurement, in this process: bundle, one unmeasured pass, then `passes` measured passes. */
async function measure(passes: number, stackTraceLimit: number | null): Promise<Measurement> {
  if (stackTraceLimit !== null) v8.setFlagsFromString(`--stack-trace-limit=${stackTraceLimit}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const histories = currentEngineHistories();
  const source = await committedHistoriesReplayOptions();
  const replay = async (pass: number) => {
    let replayed = 0;
    const batch = histories.map(({ file, history }) => ({ workflowId: `${file}#${pass}`, history }));
    for await (const result of Worker.runReplayHistories(source, batch)) {
      if (result.error) throw result.error;
      replayed++;
    }
    return replayed;
  };
  await replay(0);
  const before = process.cpuUsage();
  let replayed = 0;
  for (let pass = 1; pass <= passes; pass++) replayed += await replay(pass);
  const cpu = process.cpuUsage(before);
  return { stackTraceLimit: stackTraceLimit ?? 'default', histories: replayed, cpuMsPerHistory: round((cpu.user + cpu.system) / 1000 / replayed) };
}

/** Each limit in a child process of its own (the flag is process-wide), taking turns, so all meet the same machine. */
function compare(limits: number[], rounds: number, passes: number) {
  const byLimit = new Map<number, number[]>(limits.map((l) => [l, []]));
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 === 1 ? limits : [...limits].reverse();
    for (const limit of order) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', '--passes', String(passes), '--stack-trace-limit', String(limit)], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      const measured = JSON.parse(out.trim().split('\n').filter((line) => line.startsWith('{')).pop()!) as Measurement;
      byLimit.get(limit)!.push(measured.cpuMsPerHistory);
      console.log(`  round ${r}, stack-trace limit ${limit}: ${measured.cpuMsPerHistory} ms CPU per history (${measured.histories} replayed)`);
    }
  }
  const reference = median(byLimit.get(limits[0])!);
  return limits.map((limit) => {
    const perHistory = median(byLimit.get(limit)!);
    return { stackTraceLimit: limit, cpuMsPerHistoryByRound: byLimit.get(limit)!, cpuMsPerHistory: perHistory, ratioToFirst: round(perHistory / reference) };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passes: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      'stack-trace-limits': { type: 'string' },
      'stack-trace-limit': { type: 'string' },
      child: { type: 'boolean', default: false },
    },
  });
  const passes = Number(values.passes);
  if (values.child) {
    console.log(JSON.stringify(await measure(passes, values['stack-trace-limit'] ? Number(values['stack-trace-limit']) : null)));
    return;
  }
  const at = new Date().toISOString();
  if (values['stack-trace-limits']) {
    const limits = values['stack-trace-limits'].split(',').map(Number);
    if (limits.some((l) => !Number.isInteger(l) || l < 1)) throw new Error(`--stack-trace-limits wants positive integers, got '${values['stack-trace-limits']}'`);
    const results = compare(limits, Number(values.rounds), passes);
    for (const r of results) console.log(`stack-trace limit ${r.stackTraceLimit}: ${r.cpuMsPerHistory} ms CPU per history, ${r.ratioToFirst}× limit ${limits[0]}'s`);
    const document = { machine: machine(), at, passes, rounds: Number(values.rounds), results };
    console.log(JSON.stringify(document));
    console.log(`written to ${writeResults('replay-cpu', document)}`);
    return;
  }
  const measured = await measure(passes, null);
  console.log(`${measured.cpuMsPerHistory} ms CPU per history (${measured.histories} replayed)`);
  const document = { machine: machine(), at, passes, results: [measured] };
  console.log(JSON.stringify(document));
  console.log(`written to ${writeResults('replay-cpu', document)}`);
}

runMain(main);
