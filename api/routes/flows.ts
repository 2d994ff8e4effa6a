/** Flow routes: start, list, state, the eight control messages, and phase artifacts. */
import { Router } from 'express';
import createHttpError from 'http-errors';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { imports, phaseArtifacts } from '../../db/schema';
import type { FlowService } from '../flow-service';
import { caller } from '../context';
import { badRequest } from '../problems';
import { CONTROL_ACTIONS, controlSchemas, flowInputSchemas, listFlowsSchema, phaseChangeSchemas, startFlowSchema, type ControlAction } from '../schemas';
import { parse } from '../validate';

export interface FlowRouteOptions {
  db: Database;
  flows: FlowService;
  faultInjection: boolean;
}

export function flowRoutes({ db, flows, faultInjection }: FlowRouteOptions): Router {
  const router = Router();

  router.post('/flows', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const body = parse(startFlowSchema, req.body, 'body');
    const input = parse(flowInputSchemas[body.flowType], body.input, 'body.input');
    if (body.options.faults.length && !faultInjection) {
      throw badRequest([{ field: 'body.options.faults', rule: 'disabled', message: 'fault injection is disabled (MFO_FAULT_INJECTION)' }]);
    }
    if (typeof input.importId === 'string') {
      const [found] = await db.select({ id: imports.id }).from(imports).where(and(eq(imports.tenantId, tenantId), eq(imports.id, input.importId)));
      if (!found) throw badRequest([{ field: 'body.input.importId', rule: 'exists', message: `import ${input.importId} does not exist` }]);
    }
    const started = await flows.start(tenantId, actor, body.flowType, input, body.options);
    res.status(201).location(`/api/v1/flows/${started.flowId}`).json({ ...started, flowType: body.flowType, status: 'running' });
  });

  router.get('/flows', async (req, res) => {
    const { tenantId } = caller(res);
    const query = parse(listFlowsSchema, req.query, 'query');
    res.json({ flows: await flows.list(tenantId, query) });
  });

  router.get('/flows/:flowId', async (req, res) => {
    res.json(await flows.state(caller(res).tenantId, req.params.flowId));
  });

  router.post('/flows/:flowId/:action', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const action = req.params.action as ControlAction;
    if (!CONTROL_ACTIONS.includes(action)) throw createHttpError(404, `unknown action '${req.params.action}'`);
    const body = parse<Record<string, unknown>>(controlSchemas[action], req.body, 'body');
    if (action === 'reject' && body.changes) {
      const state = await flows.state(tenantId, req.params.flowId);
      const changeSchema = state.pendingRequest && phaseChangeSchemas[state.pendingRequest.phase];
      if (changeSchema) parse(changeSchema, body.changes, 'body.changes');
    }
    const updateId = req.get('idempotency-key') ?? undefined;
    const state = await flows.control(tenantId, req.params.flowId, action, { ...body, actor }, updateId);
    res.status(202).json(state);
  });

  router.get('/flows/:flowId/phases/:phase/artifact', async (req, res) => {
    const { tenantId } = caller(res);
    const state = await flows.state(tenantId, req.params.flowId);
    const artifactId = state.artifacts[req.params.phase];
    if (!artifactId) throw createHttpError(404, `phase '${req.params.phase}' of flow ${req.params.flowId} has no artifact yet`);
    const [artifact] = await db
      .select()
      .from(phaseArtifacts)
      .where(and(eq(phaseArtifacts.tenantId, tenantId), eq(phaseArtifacts.id, artifactId)));
    if (!artifact) throw createHttpError(404, `artifact ${artifactId} not found`);
    res.json(artifact);
  });

  return router;
}
