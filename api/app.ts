/** The gateway: a thin Express 5 app over Temporal and the database. Built by a factory so tests run the real thing. */
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { codecRouter } from '../security/codec-server';
import createHttpError from 'http-errors';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Database } from '../db';
import { ActiveKeys } from './active-keys';
import { authenticate, authorizeByMethod, callerIdentity } from './context';
import { usageRoutes } from './routes/usage';
import { tenantRoutes } from './routes/tenants';
import { FlowService } from './flow-service';
import { problemHandler } from './problems';
import { catalogRoutes } from './routes/catalog';
import { evidenceRoutes } from './routes/evidence';
import { flowRoutes } from './routes/flows';
import { programmeRoutes } from './routes/programmes';
import { scheduleRoutes } from './routes/schedules';
import { FlowStarter } from './flow-starter';
import { FlowStartKeys } from './idempotency';
import { AuditTrail } from './audit';
import { GatewayMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { sql } from 'drizzle-orm';
import { importRoutes } from './routes/imports';

export interface GatewayDeps {
  config: Config;
  client: Client;
  db: Database;
  logger: Logger;
  /** The payload codec, served to the Web UI and `temporal --codec-endpoint` at /codec. */
  codec: PayloadCodec;
}

export function createApp({ config, client, db, logger, codec }: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Security headers on every response; the API serves JSON only, so the strictest defaults fit.
  app.use(helmet());
  app.set('query parser', 'simple');

  const metrics = new GatewayMetrics();
  app.use(metrics.middleware());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Ready when both the things a request needs answer: Temporal and the database. */
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      client.workflowService.getSystemInfo({}).then(
        () => ['temporal', 'ok'] as const,
        (err: Error) => ['temporal', err.message] as const,
      ),
      db.execute(sql`select 1`).then(
        () => ['database', 'ok'] as const,
        (err: Error) => ['database', err.message] as const,
      ),
    ]);
    const ready = checks.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(checks) });
  });

  const openApi = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // Swagger UI from the installed package; its inline initializer is replaced so the page needs no inline script.
  app.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(`window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' }); };`);
  });
  app.use('/docs', express.static(getAbsoluteFSPath(), { index: 'index.html' }));

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // Any role may decode: viewers read flows too. Without a key, only when configured (the dev launcher's own UI).
  const activeKeys = new ActiveKeys(db, config.MFO_API_KEY_CACHE_SECONDS);
  const authenticated = authenticate(activeKeys, db, config.MFO_ADMIN_KEY);
  const codecAuth: express.RequestHandler = (req, res, next) => {
    if (!config.MFO_CODEC_REQUIRE_KEY && !req.get('authorization') && !req.get('x-api-key')) return next();
    return authenticated(req, res, next);
  };
  app.use('/codec', codecRouter(codec, { allowedOrigins: config.MFO_CODEC_ORIGINS, authorize: codecAuth }));

  const api = express.Router();
  api.use(authenticated);
  // One JSON line per request, carrying tenant, actor and flow id, so a flow's story can be grepped across services.
  api.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const { tenantId, actor } = callerIdentity(res);
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, tenantId, actor, flowId: req.params.flowId ?? /\/flows\/([^/]+)/.exec(req.path)?.[1], ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });
  // Per key, per gateway instance: a guard against a runaway client, not a global quota.
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.MFO_RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => {
        const { tenantId, actor } = callerIdentity(res);
        return `${tenantId ?? '*'}:${actor}`;
      },
      handler: (_req, _res, next) => next(createHttpError(429, 'rate limit exceeded for this API key; retry after the window resets')),
    }),
  );
  api.use(authorizeByMethod());
  api.use(importRoutes(db, config.MFO_MAX_UPLOAD_MB));
  api.use(express.json({ limit: '1mb' }));
  api.use(catalogRoutes());
  api.use(tenantRoutes(db, activeKeys));
  api.use(usageRoutes(db));
  // No request waits on Temporal for longer than MFO_TEMPORAL_TIMEOUT_MS: its calls inherit this deadline, and an
  // operation that needs another bound or a more precise answer sets its own (a query, a start, a control message).
  // Without it, a Temporal the network has cut off holds requests for minutes (the client reconnects into the void).
  api.use((_req, _res, next) => client.withDeadline(Date.now() + config.MFO_TEMPORAL_TIMEOUT_MS, async () => next()));
  const flows = new FlowService(client, config.TEMPORAL_TASK_QUEUE, metrics, { controlMs: config.MFO_CONTROL_TIMEOUT_MS, temporalMs: config.MFO_TEMPORAL_TIMEOUT_MS });
  const startKeys = new FlowStartKeys(db, config.MFO_START_KEY_RETENTION_HOURS * 3_600_000, (err) =>
    logger.warn({ err }, 'could not delete expired start keys; will try again within the hour'),
  );
  const starter = new FlowStarter(flows, db, startKeys, config.MFO_FAULT_INJECTION, config.MFO_VISIBILITY_UPDATES);
  api.use(flowRoutes({ db, flows, starter, audit: new AuditTrail(client, codec) }));
  api.use(evidenceRoutes(db, flows));
  api.use(scheduleRoutes({ client, starter, taskQueue: config.TEMPORAL_TASK_QUEUE }));
  api.use(programmeRoutes({ client, starter, startKeys, taskQueue: config.TEMPORAL_TASK_QUEUE, temporalTimeoutMs: config.MFO_TEMPORAL_TIMEOUT_MS }));
  app.use('/api/v1', api);

  app.use((req, _res, next) => next(createHttpError(404, `no route for ${req.method} ${req.path}`)));
  app.use(problemHandler(logger));
  return app;
}
