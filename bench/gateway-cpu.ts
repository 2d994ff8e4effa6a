/**
 * The gateway's own CPU per request, without contention: requests are sent one after another with the workers
 * stopped (started flows wait on their queue), and the gateway process's CPU is read from /proc around each round.
 * Scenarios 2–4 count the gateway too, but on a saturated machine, where its figure moves with everything else;
 * this isolates what a change to the request path saves.
 *
 *   npm run bench:gateway [-- --requests 1000 --rounds 5]
 *   npm run bench:gateway -- --cpu-prof DIR   # also V8 CPU profiles of the gateway and the workers, into DIR
 *   npm run bench:gateway -- --compiled       # the gateway compiled, under plain Node (see lib/compiled.ts)
 */
import { parseArgs } from 'node:util';
import { createContext, toolContextOptions } from './lib/context';
import { cpuDuring } from './lib/cpu';
import { discovery } from './lib/flows';
import { machine, writeResults } from './lib/report';
import { round } from './lib/stats';
import { runMain } from './lib/entry';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' }, 'cpu-prof': { type: 'string' }, compiled: { type: 'boolean', default: false } } });
  const [requests, rounds] = [Number(values.requests), Number(values.rounds)];
  const ctx = await createContext({ ...toolContextOptions({ store: 'file' }), cpuProfileDir: values['cpu-prof'] ?? null, compiled: values.compiled });
  const results: { round: number; startFlowMs: number; listFlowTypesMs: number }[] = [];
  try {
    await ctx.withoutWorkers(async () => {
      const gateway = { gateway: ctx.processes().gateway };
      const msPerRequest = async (send: () => Promise<{ status: number }>, status: number) => {
        const { cpu } = await cpuDuring(gateway, async () => {
          for (let i = 0; i < requests; i++) {
            const res = await send();
            if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}`);
          }
        });
        return round((cpu.gateway * 1000) / requests);
      };
      const flow = { ...discovery(ctx), options: { autoApprove: true } };
      for (let i = 1; i <= rounds; i++) {
        const startFlowMs = await msPerRequest(() => ctx.api.request('POST', '/flows', flow), 201);
        const listFlowTypesMs = await msPerRequest(() => ctx.api.request('GET', '/flow-types'), 200);
        results.push({ round: i, startFlowMs, listFlowTypesMs });
        console.log(`round ${i}: ${startFlowMs} ms CPU per POST /flows, ${listFlowTypesMs} ms per GET /flow-types`);
      }
    });
  } finally {
    await ctx.stop();
  }
  const document = { machine: machine(), at: new Date().toISOString(), compiled: values.compiled, requestsPerRound: requests, results };
  console.log(JSON.stringify(document));
  console.log(`written to ${writeResults('gateway-cpu', document)}`);
}

runMain(main);
