/** Programmes: the whole Discovery → Execution journey as one parent workflow with the flows as children. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import createHttpError from 'http-errors';
import { z } from 'zod';
import { programmeStateQuery, type ProgrammeInput } from '../../workflows/programme';
import { FlowStatusKey, FlowTypeKey, TenantIdKey } from '../../workflows/search-attributes';
import { ENGINE_REVISION } from '../../workflows/engine-revision';
import { revisionMemo } from '../../workflows/start-options';
import { caller } from '../context';
import { flowInputSchemas, startFlowSchema } from '../schemas';
import { parse } from '../validate';
import type { FlowStarter } from '../flow-starter';
import { workflowState } from '../workflow-state';
import { existingRunOf, startWorkflow } from '../flow-service';
import { IDEMPOTENT_REPLAYED_HEADER, idempotencyKey, requestDigest, type FlowStartKeys } from '../idempotency';

export const programmeSchema = z
  .object({
    importId: z.uuid(),
    options: z.unknown().optional(),
    assessment: z.record(z.string(), z.unknown()).default({}),
    planning: z.record(z.string(), z.unknown()).default({}),
    execution: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** Parses a later flow's input now, with a placeholder for the link the programme fills in when it gets there. */
function later(flowType: 'assessment' | 'planning' | 'execution', raw: Record<string, unknown>, links: Record<string, unknown>) {
  const parsed = parse(flowInputSchemas[flowType], { ...raw, ...links }, `body.${flowType}`);
  for (const key of Object.keys(links)) delete parsed[key];
  return parsed;
}

export interface ProgrammeRouteOptions {
  client: Client;
  starter: FlowStarter;
  startKeys: FlowStartKeys;
  taskQueue: string;
  /** MFO_TEMPORAL_TIMEOUT_MS: how long a start waits for Temporal to confirm it. */
  temporalTimeoutMs: number;
}

export function programmeRoutes({ client, starter, startKeys, taskQueue, temporalTimeoutMs }: ProgrammeRouteOptions): Router {
  const router = Router();

  const handleFor = (tenantId: string, id: string) => {
    if (!id.startsWith(`${tenantId}.programme.`)) throw createHttpError(404, `programme ${id} not found`);
    return client.workflow.getHandle(id);
  };

  /** Validates the request and builds the programme's input. */
  async function prepare(tenantId: string, actor: string, body: z.infer<typeof programmeSchema>): Promise<ProgrammeInput> {
    // Validates the import and the options exactly as a Discovery start would.
    const discovery = await starter.prepare(tenantId, actor, parse(startFlowSchema, { flowType: 'discovery', input: { importId: body.importId }, options: body.options }, 'body'));
    return {
      tenantId,
      requestedBy: actor,
      importId: body.importId,
      options: discovery.options,
      assessment: later('assessment', body.assessment, { discoveryFlowId: 'programme' }),
      planning: later('planning', body.planning, { assessmentFlowId: 'programme' }),
      execution: later('execution', body.execution, { planningFlowId: 'programme', wave: 1 }),
    };
  }

  /** Starts the programme under this id (see startWorkflow); returns its run. */
  async function start(input: ProgrammeInput, programmeId: string, keyed: boolean): Promise<string> {
    const options = {
      taskQueue,
      workflowId: programmeId,
      args: [input],
      typedSearchAttributes: [
        { key: TenantIdKey, value: input.tenantId },
        { key: FlowTypeKey, value: 'programme' },
        { key: FlowStatusKey, value: 'running' },
      ],
      // Its children run at the revision the programme was started at (see flowStartOptions).
      memo: revisionMemo(ENGINE_REVISION),
      staticSummary: `Migration programme for tenant ${input.tenantId}, started by ${input.requestedBy}: Discovery → Assessment → Planning → Execution per wave`,
    };
    return (await startWorkflow(client, 'programmeFlow', options, { keyed, timeoutMs: temporalTimeoutMs })).runId;
  }

  router.post('/programmes', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const key = idempotencyKey(req);
    const body = parse(programmeSchema, req.body, 'body');
    const { workflowId: programmeId, replayed } = await startKeys.start(tenantId, key, actor, {
      digest: () => requestDigest({ programme: body }),
      prepare: () => prepare(tenantId, actor, body),
      newWorkflowId: () => `${tenantId}.programme.${randomUUID()}`,
      existingRun: (id) => existingRunOf(client.workflow.getHandle(id)),
      start,
    });
    if (replayed) res.set(IDEMPOTENT_REPLAYED_HEADER, 'true');
    res.status(201).location(`/api/v1/programmes/${programmeId}`).json({ programmeId, status: 'running' });
  });

  router.get('/programmes/:programmeId', async (req, res) => {
    try {
      res.json(await workflowState(handleFor(caller(res).tenantId, req.params.programmeId), programmeStateQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw createHttpError(404, `programme ${req.params.programmeId} not found`);
      throw err;
    }
  });

  router.post('/programmes/:programmeId/cancel', async (req, res) => {
    const handle = handleFor(caller(res).tenantId, req.params.programmeId);
    try {
      await handle.cancel();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw createHttpError(404, `programme ${req.params.programmeId} not found`);
      throw err;
    }
    res.status(202).json({ programmeId: req.params.programmeId, status: 'cancelling' });
  });

  return router;
}
