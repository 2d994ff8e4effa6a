/**
 * Where the platform's start latency goes beyond raw Temporal's (scenario 2's start path alone, taken apart). Three
 * kinds of start, workers stopped, taking turns in one window per round at scenario 2's rate in all, as scenario 2's
 * two sides do (`--seconds` of starts per kind; the kind sent first rotating from round to round):
 * - raw: the baseline's start, as in scenario 2;
 * - direct: the start the gateway makes for a Discovery flow (its input, search attributes, memo, summary and
 *   details, encrypted by the platform's codec), sent from this process with the Temporal client;
 * - gateway: POST /flows on the real gateway, as in scenario 2;
 * - hop: GET /healthz on the same gateway over the same connections, which starts nothing: the floor of any request
 *   through a separate gateway process (the HTTP exchange, two more processes to wake, helmet and the metrics).
 * direct − raw is what the platform's start costs the server and the client's encoding; gateway − direct is the
 * gateway's hop (HTTP, authentication, validation, the import check), of which `hop` is the part no route avoids.
 *
 *   npm run bench:start-path [-- --seconds 30 --rounds 3]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startFlowSchema } from '../api/schemas';
import { FLOW_CATALOG } from '../workflows/catalog';
import type { FlowStartInput } from '../workflows/messages';
import { flowStartOptions, flowWorkflowId } from '../workflows/start-options';
import { createContext, toolContextOptions, type BenchContext } from './lib/context';
import { discovery, rawShape, startPlatformFlow, startRawFlow, type Started } from './lib/flows';
import { machine, writeResults } from './lib/report';
import { elapsedMs, median, round, summarize, type Summary } from './lib/stats';
import { runMain } from './lib/entry';
import { START_RATE_PER_SECOND, interleavedStartsFor, startsFor } from './scenarios/start-latency';

const KINDS = ['raw', 'direct', 'gateway', 'hop'] as const;
type Kind = (typeof KINDS)[number];

/** The gateway's start of a Discovery flow (FlowService.start), without the gateway: `start` is its input. */
async function startDirect(ctx: BenchContext, start: FlowStartInput): Promise<Started> {
  const workflowId = flowWorkflowId(ctx.tenant, 'discovery', randomUUID());
  const t = process.hrtime.bigint();
  await ctx.platformClient.workflow.start(FLOW_CATALOG.discovery.workflowType, {
    taskQueue: ctx.queues.platform,
    workflowId,
    args: [start],
    ...flowStartOptions(start),
  });
  return { workflowId, startMs: elapsedMs(t) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, rounds: { type: 'string', default: '3' } } });
  const [seconds, rounds] = [Number(values.seconds), Number(values.rounds)];
  const ctx = await createContext(toolContextOptions({ store: 'file' }));
  // The input as the gateway's schema fills it in from `{ autoApprove: true }`; the same for every direct start.
  const request = startFlowSchema.parse({ ...discovery(ctx), options: { autoApprove: true } });
  const direct: FlowStartInput = { tenantId: ctx.tenant, flowType: 'discovery', requestedBy: 'bench', input: request.input, options: { ...request.options, chain: null } };
  const starts: Record<Kind, () => Promise<Started>> = {
    raw: () => startRawFlow(ctx, rawShape(false)),
    direct: () => startDirect(ctx, direct),
    gateway: () => startPlatformFlow(ctx, true),
    hop: async () => {
      const t = process.hrtime.bigint();
      const res = await ctx.api.probe('/healthz');
      if (res.status !== 200) throw new Error(`GET /healthz answered ${res.status}`);
      return { workflowId: '', startMs: elapsedMs(t) };
    },
  };
  const results: Record<Kind, Summary>[] = [];
  try {
    await ctx.withoutWorkers(async () => {
      for (const kind of KINDS) await startsFor(1, starts[kind]); // warm-up: connections, JIT, caches
      for (let i = 0; i < rounds; i++) {
        const first = i % KINDS.length;
        const latencies = await interleavedStartsFor(seconds * KINDS.length, KINDS.map((kind) => starts[kind]), first);
        const measured = Object.fromEntries(KINDS.map((kind, j) => [kind, summarize(latencies[j])])) as Record<Kind, Summary>;
        results.push(measured);
        console.log(
          `round ${i + 1} (${KINDS[first]} sent first): ` +
            KINDS.map((k) => `${k} p50 ${measured[k].p50.toFixed(1)} p99 ${measured[k].p99.toFixed(1)} ms`).join('; '),
        );
      }
    });
  } finally {
    await ctx.stop();
  }
  const medians = Object.fromEntries(
    KINDS.map((k) => [k, { p50: round(median(results.map((r) => r[k].p50))), p99: round(median(results.map((r) => r[k].p99))) }]),
  ) as Record<Kind, { p50: number; p99: number }>;
  console.log(`medians of ${rounds} rounds (ms): ` + KINDS.map((k) => `${k} p50 ${medians[k].p50} p99 ${medians[k].p99}`).join('; '));
  const document = { machine: machine(), at: new Date().toISOString(), ratePerSecond: START_RATE_PER_SECOND, seconds, medians, rounds: results };
  console.log(JSON.stringify(document));
  console.log(`written to ${writeResults('start-path', document)}`);
}

runMain(main);
