/**
 * Scenario 4 — many flows parked at an approval gate, then approved. Both sides park N flows, wait until every
 * one is at its gate, then approve them all at a fixed rate (open loop, APPROVALS_PER_SECOND, scenario 2's start
 * rate): what an approval's latency is while N flows are parked and approvals keep arriving. Resume latency = the
 * approve call's latency: the platform's approve update (and the baseline's) returns only once the flow has acted
 * on the decision. The platform parks Assessment flows, whose gate (strategy_recommendation) follows the last
 * phase, so what is timed is the resume itself rather than the phases resumed flows would run next; the baseline
 * gates after its sixth phase likewise. Both sides' workers cache every parked flow (see BenchContext.gateFlows).
 * Each side's flows finish before the other side is measured. For the slowest and the median 1 % of approvals, the
 * flows' histories tell where the time went (lib/update-timeline.ts).
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context';
import { platformResult, pool, rawShape, startPlatformFlow, startRawFlow } from '../lib/flows';
import type { ScenarioResult } from '../lib/report';
import { cpuDuring, cpuMsPer, rssMb, threadCpuDuring } from '../lib/cpu';
import { atFixedRate } from '../lib/open-loop';
import { elapsedMs, round, summarize } from '../lib/stats';
import { approvalTimelines, type ApprovalTiming } from '../lib/update-timeline';
import { rawApproveUpdate } from '../raw/workflows';

const STARTERS = 32;
const APPROVALS_PER_SECOND = 20;
const GOAL_P99_MS = 500;

async function until(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function running(ctx: BenchContext, query: string): Promise<number> {
  return (await ctx.rawClient.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count;
}

export async function approvalResume(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.gateFlows;
  // Parking is bound by each side's flow throughput (scenario 3): about 40 min for 10,000 platform flows here.
  const parkTimeoutMs = ctx.quick ? 120_000 : 3_600_000;
  await ctx.usePlatformWorker('noop');
  const platformQuery = `TenantId = '${ctx.tenant}'`;
  const rawQuery = `WorkflowType = 'rawFlow'`;

  const predecessor = await startPlatformFlow(ctx, true);
  await platformResult(ctx, predecessor.workflowId);
  const assessment = { flowType: 'assessment', input: { discoveryFlowId: predecessor.workflowId, asOf: '2026-11-01' } };

  const parkStarted = process.hrtime.bigint();
  const platformIds: string[] = [];
  let parkRetries = 0;
  await pool(Array.from({ length: n }), STARTERS, async () => {
    // Parking is not what is timed: a start the saturated dev server could not take in time (503) is sent again,
    // under the same Idempotency-Key, so a start the server did record is not parked twice.
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        platformIds.push((await startPlatformFlow(ctx, false, assessment, key)).workflowId);
        break;
      } catch (err) {
        if (!/start failed: 503/.test((err as Error).message) || attempt >= 5) throw err;
        parkRetries++;
        await new Promise((r) => setTimeout(r, 1_000 * attempt));
      }
    }
  });
  await until(`${n} platform flows at the gate`, parkTimeoutMs, async () => (await ctx.rawClient.workflow.count(`${platformQuery} AND FlowStatus = 'awaiting_approval'`)).count === n);
  const platformParkS = elapsedMs(parkStarted) / 1000;
  const platformWorkerRssMb = rssMb(ctx.processes().platformWorker);

  const rawParkStarted = process.hrtime.bigint();
  const rawIds: string[] = [];
  await pool(Array.from({ length: n }), STARTERS, async () => {
    rawIds.push((await startRawFlow(ctx, rawShape(true))).workflowId);
  });
  await until(`${n} raw flows at the gate`, parkTimeoutMs, async () => (await ctx.rawClient.workflow.count(`${rawQuery} AND FlowStatus = 'awaiting_approval'`)).count === n);
  const rawParkS = elapsedMs(rawParkStarted) / 1000;
  const rawWorkerRssMb = rssMb(ctx.processes().rawWorker);

  // CPU per approval by process, from approving the first flow to the last flow's close: where the time goes.
  // Each approval's send time and latency, by flow, so the slow ones can be looked up in their flows' histories.
  // The workers' CPU also by thread: the worker's share grows with the flows it caches, and this says in which thread.
  const workers = () => ({ platformWorker: ctx.processes().platformWorker, rawWorker: ctx.processes().rawWorker });
  const approveAll = (ids: string[], query: string, approve: (flowId: string) => Promise<void>) =>
    threadCpuDuring(workers(), () => cpuDuring(ctx.processes(), async () => {
      const timings: ApprovalTiming[] = new Array(ids.length);
      const latencies = await atFixedRate(ids.length, APPROVALS_PER_SECOND, async (i) => {
        const sentAtMs = Date.now();
        const t = process.hrtime.bigint();
        await approve(ids[i]);
        timings[i] = { sentAtMs, latencyMs: elapsedMs(t) };
        return timings[i].latencyMs;
      });
      await until(`resumed flows (${query}) to finish`, parkTimeoutMs, async () => (await running(ctx, query)) === 0);
      return { latencies, timelines: await approvalTimelines(ctx.rawClient, ids, timings) };
    }));
  const {
    result: { result: platformApprovals, cpu: platformCpu },
    threads: platformThreads,
  } = await approveAll(platformIds, platformQuery, async (flowId) => {
    const res = await ctx.api.request('POST', `/flows/${flowId}/approve`, {});
    if (res.status !== 202) throw new Error(`approve ${flowId}: ${res.status} ${JSON.stringify(res.body)}`);
  });
  const {
    result: { result: rawApprovals, cpu: rawCpu },
    threads: rawThreads,
  } = await approveAll(rawIds, rawQuery, async (flowId) => {
    await ctx.rawClient.workflow.getHandle(flowId).executeUpdate(rawApproveUpdate);
  });
  const cpuMsPerApproval = { platform: cpuMsPer(platformCpu, n), raw: cpuMsPer(rawCpu, n) };
  console.log(`  CPU ms per approval — platform ${JSON.stringify(cpuMsPerApproval.platform)}; raw ${JSON.stringify(cpuMsPerApproval.raw)}`);
  // Each side's own worker, thread by thread, leaving out threads under 0.1 ms per approval.
  const busyThreads = (threads: Record<string, number>) =>
    Object.fromEntries(Object.entries(cpuMsPer(threads, n)).filter(([, ms]) => ms >= 0.1).sort(([, a], [, b]) => b - a));
  const workerThreadMsPerApproval = { platform: busyThreads(platformThreads.platformWorker), raw: busyThreads(rawThreads.rawWorker) };
  console.log(`  worker CPU ms per approval by thread — platform ${JSON.stringify(workerThreadMsPerApproval.platform)}; raw ${JSON.stringify(workerThreadMsPerApproval.raw)}`);
  const timelines = { platform: platformApprovals.timelines, raw: rawApprovals.timelines };
  console.log(`  where approvals waited (mean ms) — platform ${JSON.stringify(timelines.platform)}; raw ${JSON.stringify(timelines.raw)}`);

  const platform = summarize(platformApprovals.latencies);
  const raw = summarize(rawApprovals.latencies);
  return {
    id: 4,
    name: `${n} flows parked at a gate, then approved at ${APPROVALS_PER_SECOND}/s`,
    measurements: [
      { metric: 'resume p50', unit: 'ms', platform: round(platform.p50), raw: round(raw.p50), goal: '', met: null },
      { metric: 'resume p90', unit: 'ms', platform: round(platform.p90), raw: round(raw.p90), goal: '', met: null },
      { metric: 'resume p99', unit: 'ms', platform: round(platform.p99), raw: round(raw.p99), goal: `< ${GOAL_P99_MS} ms`, met: platform.p99 < GOAL_P99_MS },
      { metric: `time to park ${n} flows`, unit: 's', platform: round(platformParkS, 1), raw: round(rawParkS, 1), goal: '', met: null },
      { metric: `worker RSS with ${n} flows parked`, unit: 'MB', platform: platformWorkerRssMb, raw: rawWorkerRssMb, goal: '', met: null },
    ],
    details: { flows: n, starters: STARTERS, approvalsPerSecond: APPROVALS_PER_SECOND, platformParkRetries: parkRetries, cpuMsPerApproval, workerThreadMsPerApproval, timelines, platform, raw },
  };
}
