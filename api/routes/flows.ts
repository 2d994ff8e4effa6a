/** Flow routes: start, list, state, the eight control messages, and phase artifacts. */
import { Router } from 'express';
import createHttpError from 'http-errors';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { phaseArtifacts } from '../../db/schema';
import type { FlowService } from '../flow-service';
import { caller } from '../context';
import { badRequest } from '../problems';
import { CONTROL_ACTIONS, controlSchemas, listFlowsSchema, phaseChangeSchemas, startFlowSchema, successorSchema, type ControlAction } from '../schemas';
import type { FlowStarter } from '../flow-starter';
import type { AuditTrail } from '../audit';
import { FLOW_CATALOG, successorOf } from '../../workflows/catalog';
import { parse } from '../validate';
import { IDEMPOTENT_REPLAYED_HEADER, idempotencyKey } from '../idempotency';

export interface FlowRouteOptions {
  db: Database;
  flows: FlowService;
  starter: FlowStarter;
  audit: AuditTrail;
}

export function flowRoutes({ db, flows, starter, audit }: FlowRouteOptions): Router {
  const router = Router();

  router.post('/flows', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const key = idempotencyKey(req);
    const body = parse(startFlowSchema, req.body, 'body');
    const { replayed, ...started } = await starter.start(tenantId, actor, body, key);
    if (replayed) res.set(IDEMPOTENT_REPLAYED_HEADER, 'true');
    res.status(201).location(`/api/v1/flows/${started.flowId}`).json({ ...started, flowType: body.flowType, status: 'running' });
  });

  /** Chaining through the API: start the natural successor of a completed flow with it as input. */
  router.post('/flows/:flowId/successors', async (req, res) => {
    const { tenantId, actor } = caller(res);
    const key = idempotencyKey(req);
    const predecessor = await flows.state(tenantId, req.params.flowId);
    const body = parse(successorSchema, req.body, 'body');
    const link = successorOf(predecessor.flowType, body.flowType);
    if (!link) {
      const allowed = FLOW_CATALOG[predecessor.flowType].successors.map((s) => s.flowType).join(', ') || 'none';
      throw badRequest([{ field: 'body.flowType', rule: 'successor', message: `a ${predecessor.flowType} flow can be followed by: ${allowed}` }]);
    }
    const request = parse(startFlowSchema, { flowType: body.flowType, input: { ...body.input, [link.inputKey]: predecessor.flowId }, options: body.options }, 'body');
    const { replayed, ...started } = await starter.start(tenantId, actor, request, key);
    if (replayed) res.set(IDEMPOTENT_REPLAYED_HEADER, 'true');
    res.status(201).location(`/api/v1/flows/${started.flowId}`).json({ ...started, flowType: body.flowType, status: 'running', predecessorFlowId: predecessor.flowId });
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
    const state = await flows.control(tenantId, req.params.flowId, action, { ...body, actor }, idempotencyKey(req));
    res.status(202).json(state);
  });

  /** Who did what, when: read from Temporal history, so it cannot disagree with what actually ran. */
  router.get('/flows/:flowId/audit', async (req, res) => {
    const state = await flows.state(caller(res).tenantId, req.params.flowId);
    res.json({ flowId: state.flowId, flowType: state.flowType, status: state.status, entries: await audit.entries(state.flowId) });
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
