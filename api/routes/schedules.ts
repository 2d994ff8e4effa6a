/**
 * Recurring flows as Temporal Schedules (FinOps monthly, say). The schedule holds a fully validated start input;
 * Temporal starts each run, so nothing here keeps time. Schedule ids carry the tenant like flow ids do.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { ScheduleNotFoundError, type Client, type ScheduleSpec } from '@temporalio/client';
import createHttpError from 'http-errors';
import { z } from 'zod';
import { FLOW_CATALOG } from '../../workflows/catalog';
import { flowStartOptions, flowWorkflowId } from '../../workflows/start-options';
import type { FlowStarter } from '../flow-starter';
import { caller } from '../context';
import { badRequest } from '../problems';
import { startFlowSchema } from '../schemas';
import { parse } from '../validate';

/** Flows that make sense unattended: no human gates. */
const SCHEDULABLE = ['finops'] as const;

export const createScheduleSchema = z
  .object({
    flowType: z.enum(SCHEDULABLE),
    input: z.record(z.string(), z.unknown()),
    options: z.unknown().optional(),
    cron: z.string().min(9).max(200).optional(),
    everySeconds: z.number().int().min(60).max(366 * 86_400).optional(),
    paused: z.boolean().default(false),
  })
  .strict()
  .refine((s) => Boolean(s.cron) !== Boolean(s.everySeconds), { message: 'give exactly one of cron or everySeconds', path: ['cron'] });

export interface ScheduleRouteOptions {
  client: Client;
  starter: FlowStarter;
  taskQueue: string;
}

export function scheduleRoutes({ client, starter, taskQueue }: ScheduleRouteOptions): Router {
  const router = Router();

  function handleFor(tenantId: string, scheduleId: string) {
    if (!scheduleId.startsWith(`${tenantId}.`)) throw createHttpError(404, `schedule ${scheduleId} not found`);
    return client.schedule.getHandle(scheduleId);
  }

  async function describe(tenantId: string, scheduleId: string) {
    try {
      const d = await handleFor(tenantId, scheduleId).describe();
      return {
        scheduleId: d.scheduleId,
        paused: d.state.paused,
        spec: d.spec,
        nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
        recentRuns: d.info.recentActions.map((a) => ({
          scheduledAt: a.scheduledAt.toISOString(),
          flowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : null,
        })),
      };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw createHttpError(404, `schedule ${scheduleId} not found`);
      throw err;
    }
  }

  router.post('/schedules', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const body = parse(createScheduleSchema, req.body, 'body');
    const request = parse(startFlowSchema, { flowType: body.flowType, input: body.input, options: body.options }, 'body');
    const start = await starter.prepare(tenantId, actor, request);
    const scheduleId = `${tenantId}.schedule.${randomUUID()}`;
    const spec: ScheduleSpec = body.cron ? { cronExpressions: [body.cron] } : { intervals: [{ every: body.everySeconds! * 1000 }] };
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        state: { paused: body.paused, note: `created by ${actor}` },
        action: {
          type: 'startWorkflow',
          workflowType: FLOW_CATALOG[body.flowType].workflowType,
          workflowId: flowWorkflowId(tenantId, body.flowType, `scheduled-${scheduleId.split('.').pop()}`),
          taskQueue,
          args: [start],
          ...flowStartOptions(start),
        },
      });
    } catch (err) {
      if ((err as Error).message?.includes('cron')) throw badRequest([{ field: 'body.cron', rule: 'cron', message: (err as Error).message }]);
      throw err;
    }
    res.status(201).location(`/api/v1/schedules/${scheduleId}`).json(await describe(tenantId, scheduleId));
  });

  router.get('/schedules', async (_req, res) => {
    const { tenantId } = caller(res);
    const schedules: { scheduleId: string; paused: boolean; nextRuns: string[] }[] = [];
    for await (const s of client.schedule.list()) {
      if (!s.scheduleId.startsWith(`${tenantId}.`)) continue;
      schedules.push({ scheduleId: s.scheduleId, paused: s.state.paused, nextRuns: s.info.nextActionTimes.map((t) => t.toISOString()) });
    }
    res.json({ schedules });
  });

  router.get('/schedules/:scheduleId', async (req, res) => {
    res.json(await describe(caller(res).tenantId, req.params.scheduleId));
  });

  router.post('/schedules/:scheduleId/:action', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const handle = handleFor(tenantId, req.params.scheduleId);
    await describe(tenantId, req.params.scheduleId); // 404 before acting
    switch (req.params.action) {
      case 'pause':
        await handle.pause(`paused by ${actor}`);
        break;
      case 'unpause':
        await handle.unpause(`resumed by ${actor}`);
        break;
      case 'trigger':
        await handle.trigger();
        break;
      default:
        throw createHttpError(404, `unknown action '${req.params.action}'`);
    }
    res.status(202).json(await describe(tenantId, req.params.scheduleId));
  });

  router.delete('/schedules/:scheduleId', async (req, res) => {
    const { tenantId } = caller(res);
    await describe(tenantId, req.params.scheduleId);
    await handleFor(tenantId, req.params.scheduleId).delete();
    res.status(204).end();
  });

  return router;
}
