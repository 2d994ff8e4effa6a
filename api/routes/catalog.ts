import { Router } from 'express';
import { FLOW_CATALOG, FLOW_TYPES } from '../../workflows/catalog';

/** GET /flow-types: every flow type with its phases and gates, straight from the catalog the engine runs. */
export function catalogRoutes(): Router {
  const router = Router();
  router.get('/flow-types', (_req, res) => {
    res.json({
      flowTypes: FLOW_TYPES.map((type) => {
        const { workflowType, title, description, phases } = FLOW_CATALOG[type];
        return {
          type,
          workflowType,
          title,
          description,
          phases: phases.map(({ name, title: phaseTitle, gate, gatePrompt }) => ({ name, title: phaseTitle, gate, gatePrompt: gatePrompt ?? null })),
        };
      }),
    });
  });
  return router;
}
