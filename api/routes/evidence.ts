/**
 * Evidence ids resolve to what they cite: `asset:<key>`, `app:<key>`, `dep:<from>-><to>`, `row:<n>` against the
 * inventory the flow works on, and `rule:<id>` against the rule registry.
 */
import { Router } from 'express';
import createHttpError from 'http-errors';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { applications, assetApplications, assets, dependencies, rawRows } from '../../db/schema';
import { describeRule } from '../../activities/analysis/rules/registry';
import type { FlowService } from '../flow-service';
import { caller } from '../context';
import { badRequest } from '../problems';

const EVIDENCE_PATTERN = /^(asset|app|dep|rule|row):(.+)$/;

export function evidenceRoutes(db: Database, flows: FlowService): Router {
  const router = Router();

  router.get('/flows/:flowId/evidence/:ref', async (req, res) => {
    const { tenantId } = caller(res);
    const match = EVIDENCE_PATTERN.exec(req.params.ref);
    if (!match) {
      throw badRequest([{ field: 'path.ref', rule: 'format', message: 'evidence ids look like asset:<key>, app:<key>, dep:<from>-><to>, rule:<id> or row:<n>' }]);
    }
    const [, kind, id] = match;
    const state = await flows.state(tenantId, req.params.flowId);
    const inventoryFlowId = state.flowType === 'discovery' ? state.flowId : String(state.input.inventoryFlowId);
    const missing = () => createHttpError(404, `${req.params.ref} not found in the inventory of ${inventoryFlowId}`);
    const scope = <T extends typeof assets | typeof applications | typeof dependencies | typeof assetApplications>(t: T) =>
      and(eq(t.tenantId, tenantId), eq(t.flowId, inventoryFlowId));

    let resolved: unknown;
    if (kind === 'rule') {
      resolved = describeRule(id);
    } else if (kind === 'asset') {
      const [row] = await db.select().from(assets).where(and(scope(assets), eq(assets.key, id)));
      resolved = row?.attributes;
    } else if (kind === 'app') {
      const [row] = await db.select().from(applications).where(and(scope(applications), eq(applications.key, id)));
      const members = await db
        .select({ assetKey: assetApplications.assetKey })
        .from(assetApplications)
        .where(and(scope(assetApplications), eq(assetApplications.applicationKey, id)));
      resolved = row && { ...(row.attributes as object), memberAssetKeys: members.map((m) => m.assetKey) };
    } else if (kind === 'dep') {
      const [from, to] = id.split('->');
      const rows = to
        ? await db.select().from(dependencies).where(and(scope(dependencies), eq(dependencies.fromKey, from), eq(dependencies.toKey, to)))
        : [];
      resolved = rows.length ? rows.map((d) => ({ ...d, port: d.port || null })) : undefined;
    } else {
      const discovery = state.flowType === 'discovery' ? state : await flows.state(tenantId, inventoryFlowId);
      const rowNumber = Number(id);
      const [row] = Number.isInteger(rowNumber)
        ? await db
            .select()
            .from(rawRows)
            .where(and(eq(rawRows.tenantId, tenantId), eq(rawRows.importId, String(discovery.input.importId)), eq(rawRows.rowNumber, rowNumber)))
        : [];
      resolved = row;
    }
    if (!resolved) throw missing();
    res.json({ id: req.params.ref, kind, inventoryFlowId, value: resolved });
  });

  return router;
}
