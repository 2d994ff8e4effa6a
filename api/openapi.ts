/**
 * The OpenAPI 3.1 description of the gateway, with request schemas generated from the same zod schemas the routes
 * validate with, so the document cannot drift from what the gateway accepts. Served at /openapi.json; /docs
 * renders it with Swagger UI from the locally installed swagger-ui-dist (no CDN).
 */
import { z } from 'zod';
import { FLOW_TYPES } from '../workflows/catalog';
import { CONTROL_ACTIONS, controlSchemas, listFlowsSchema, startFlowSchema, successorSchema } from './schemas';
import { programmeSchema } from './routes/programmes';
import { createScheduleSchema } from './routes/schedules';
import { createEngagementSchema, createTenantSchema, issueAdminKeySchema, issueKeySchema, updateTenantSchema } from './routes/tenants';
import { usageQuerySchema } from './routes/usage';
import { idempotencyKeySchema } from './idempotency';

interface Operation {
  summary: string;
  body?: z.ZodType;
  bodyType?: string;
  query?: z.ZodObject;
  success: number;
  role: 'any' | 'operator' | 'admin';
  /** Takes an Idempotency-Key: a start's names the flow it started, an update's is the Temporal update id. */
  idempotencyKey?: 'start' | 'update';
}

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Every route under /api/v1: method → path template → operation. */
export const API_OPERATIONS: Record<string, Record<string, Operation>> = {
  '/imports': {
    post: { summary: 'Upload an inventory file (CSV or JSON) as the raw body; parsed before anything is stored', bodyType: 'text/csv', success: 201, role: 'operator' },
    get: { summary: "List the tenant's imports", success: 200, role: 'any' },
  },
  '/imports/{importId}': { get: { summary: 'One import', success: 200, role: 'any' } },
  '/flow-types': { get: { summary: 'Flow types with their phases and gates', success: 200, role: 'any' } },
  '/flows': {
    post: { summary: 'Start a flow', body: startFlowSchema, success: 201, role: 'operator', idempotencyKey: 'start' },
    get: { summary: "List the tenant's flows (Temporal visibility)", query: listFlowsSchema, success: 200, role: 'any' },
  },
  '/flows/{flowId}': { get: { summary: 'The whole flow state (query)', success: 200, role: 'any' } },
  '/flows/{flowId}/audit': { get: { summary: 'Audit trail from Temporal history', success: 200, role: 'any' } },
  '/flows/{flowId}/phases/{phase}/artifact': { get: { summary: "A phase's latest artifact", success: 200, role: 'any' } },
  '/flows/{flowId}/evidence/{ref}': { get: { summary: 'Resolve an evidence id (asset:, app:, dep:, rule:, row:)', success: 200, role: 'any' } },
  '/flows/{flowId}/successors': { post: { summary: 'Start the successor of a completed flow', body: successorSchema, success: 201, role: 'operator', idempotencyKey: 'start' } },
  ...Object.fromEntries(
    CONTROL_ACTIONS.map((action) => [
      `/flows/{flowId}/${action}`,
      { post: { summary: `Control message: ${action} (409 with the reason when illegal now)`, body: controlSchemas[action], success: 202, role: 'operator' as const, idempotencyKey: 'update' as const } },
    ]),
  ),
  '/schedules': {
    post: { summary: 'Create a Temporal Schedule for a flow (FinOps)', body: createScheduleSchema, success: 201, role: 'operator' },
    get: { summary: "List the tenant's schedules", success: 200, role: 'any' },
  },
  '/schedules/{scheduleId}': {
    get: { summary: 'Describe a schedule: spec, next and recent runs', success: 200, role: 'any' },
    delete: { summary: 'Delete a schedule', success: 204, role: 'operator' },
  },
  '/schedules/{scheduleId}/{action}': { post: { summary: 'pause | unpause | trigger a schedule', success: 202, role: 'operator' } },
  '/programmes': { post: { summary: 'Start a programme: Discovery → Assessment → Planning → Execution per wave', body: programmeSchema, success: 201, role: 'operator', idempotencyKey: 'start' } },
  '/programmes/{programmeId}': { get: { summary: "A programme's stage and children", success: 200, role: 'any' } },
  '/programmes/{programmeId}/cancel': { post: { summary: 'Cancel a programme and its running child', success: 202, role: 'operator' } },
  '/usage': { get: { summary: "The tenant's LLM usage and cost from the ledger, grouped by flow, phase, agent, model, outcome, day or month", query: usageQuerySchema, success: 200, role: 'any' } },
  '/tenants': {
    post: { summary: 'Create a tenant', body: createTenantSchema, success: 201, role: 'admin' },
    get: { summary: 'List tenants', success: 200, role: 'admin' },
  },
  '/tenants/{tenantId}': {
    get: { summary: 'One tenant', success: 200, role: 'admin' },
    patch: { summary: "Rename a tenant or set its monthly LLM budget", body: updateTenantSchema, success: 200, role: 'admin' },
  },
  '/tenants/{tenantId}/engagements': {
    post: { summary: 'Create an engagement', body: createEngagementSchema, success: 201, role: 'admin' },
    get: { summary: "List a tenant's engagements", success: 200, role: 'admin' },
  },
  '/tenants/{tenantId}/keys': {
    post: { summary: 'Issue an API key (returned once)', body: issueKeySchema, success: 201, role: 'admin' },
    get: { summary: "List a tenant's keys (never their secrets)", success: 200, role: 'admin' },
  },
  '/tenants/{tenantId}/keys/{keyId}': { delete: { summary: 'Revoke a key', success: 204, role: 'admin' } },
  '/admin/keys': { post: { summary: 'Issue a platform admin key', body: issueAdminKeySchema, success: 201, role: 'admin' } },
};

const IDEMPOTENCY_KEY_DOC = {
  start:
    'Makes the start safe to retry: a request with a key this tenant used before, and the same body, is answered with the flow (or programme) that key started (header Idempotent-Replayed: true) and starts nothing; with a different body it is a 422.',
  update:
    'Becomes the Temporal update id, so a retried message takes effect at most once. A message the flow has not acted on within MFO_CONTROL_TIMEOUT_MS is a 503 whose Idempotency-Key response header is the id to retry with.',
};

const problem = { $ref: '#/components/schemas/Problem' };

export function openApiDocument(serverUrl = '/api/v1') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(API_OPERATIONS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(operations)) {
      const parameters = [
        ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.keys(op.query?.shape ?? {}).map((name) => ({ name, in: 'query', required: false, schema: json((op.query!.shape as Record<string, z.ZodType>)[name]) })),
        ...(op.idempotencyKey ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: IDEMPOTENCY_KEY_DOC[op.idempotencyKey], schema: json(idempotencyKeySchema) }] : []),
      ];
      paths[path][method] = {
        summary: op.summary,
        description: `Role: ${op.role === 'any' ? 'viewer, operator or admin' : op.role === 'operator' ? 'operator or admin' : 'platform admin'}.`,
        parameters,
        ...(op.body || op.bodyType
          ? { requestBody: { required: true, content: { [op.bodyType ?? 'application/json']: { schema: op.body ? json(op.body) : { type: 'string' } } } } }
          : {}),
        responses: {
          [op.success]: { description: 'Success' },
          400: { description: 'Invalid input: every issue names the field and the rule', content: { 'application/problem+json': { schema: problem } } },
          401: { description: 'No valid API key', content: { 'application/problem+json': { schema: problem } } },
          403: { description: 'The role may not do this', content: { 'application/problem+json': { schema: problem } } },
          404: { description: "Not found (or another tenant's)", content: { 'application/problem+json': { schema: problem } } },
          ...(op.idempotencyKey === 'start'
            ? { 422: { description: 'The Idempotency-Key was already used for a different request', content: { 'application/problem+json': { schema: problem } } } }
            : {}),
          ...(op.success === 202 ? { 409: { description: 'Illegal transition, with the reason', content: { 'application/problem+json': { schema: problem } } } } : {}),
          429: { description: 'Rate limit for this key exceeded' },
          503: { description: 'Temporal, or a worker for a read, cannot answer right now; nothing was changed. Retry-After says when to try again', content: { 'application/problem+json': { schema: problem } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Migration Flow Orchestrator API',
      version: '1',
      description: `Durable cloud-migration flows on Temporal. Flow types: ${FLOW_TYPES.join(', ')}.`,
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: mfo.<id>.<secret>' } },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
