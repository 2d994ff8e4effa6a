/**
 * Every table carries tenant_id and every query filters by it. Flow status is deliberately absent: Temporal is
 * the only source of truth for it. Rows written by phase activities carry flow_id and are unique on their
 * natural key, so a retried activity can never duplicate them.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export interface PhaseEngineResult {
  inputRequest?: string | null;
  approvalBlockers?: string[];
  outputs?: Record<string, string | number | boolean>;
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdBy: text('created_by').notNull(),
  /** Monthly LLM spend limit in USD; null = no limit. A call that would exceed it is not made. */
  llmMonthlyBudgetUsd: doublePrecision('llm_monthly_budget_usd'),
  createdAt: createdAt(),
});

/** A client account's migration engagements (programmes of work); flows of a tenant can be grouped by them. */
export const engagements = pgTable(
  'engagements',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    name: text('name').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('engagements_tenant_name').on(t.tenantId, t.name)],
);

/**
 * API keys: only a SHA-256 of the secret is stored (the secret is 32 random bytes, so a slow hash adds nothing).
 * tenant_id is null for platform admin keys. The key's name is the actor recorded on everything it does.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    role: text('role').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    filename: text('filename').notNull(),
    format: text('format').notNull(),
    content: text('content').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    rowCount: integer('row_count').notNull(),
    columns: jsonb('columns').$type<string[]>().notNull(),
    encodingIssueCount: integer('encoding_issue_count').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('imports_tenant_idx').on(t.tenantId, t.createdAt)],
);

export const rawRows = pgTable(
  'raw_rows',
  {
    tenantId: text('tenant_id').notNull(),
    importId: uuid('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    data: jsonb('data').$type<Record<string, string | number | boolean | null>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.importId, t.rowNumber] })],
);

export const phaseArtifacts = pgTable(
  'phase_artifacts',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    flowType: text('flow_type').notNull(),
    phase: text('phase').notNull(),
    run: integer('run').notNull(),
    summary: text('summary').notNull(),
    /** What the engine needs back besides the id (input request, approval blockers, outputs), so a retried activity returns the same answer. */
    result: jsonb('result').$type<PhaseEngineResult>().notNull().default({}),
    data: jsonb('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('phase_artifacts_natural_key').on(t.tenantId, t.flowId, t.phase, t.run)],
);

export const assets = pgTable(
  'assets',
  {
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    key: text('key').notNull(),
    hostname: text('hostname').notNull(),
    ip: text('ip'),
    assetType: text('asset_type').notNull(),
    osFamily: text('os_family').notNull(),
    osVersion: text('os_version'),
    cpu: doublePrecision('cpu'),
    memoryGb: doublePrecision('memory_gb'),
    storageGb: doublePrecision('storage_gb'),
    environment: text('environment').notNull(),
    criticality: text('criticality').notNull(),
    owner: text('owner'),
    monthlyCost: doublePrecision('monthly_cost'),
    /** The full canonical record, so later flows read one row instead of re-deriving it. */
    attributes: jsonb('attributes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.key] })],
);

export const applications = pgTable(
  'applications',
  {
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    owner: text('owner'),
    criticality: text('criticality').notNull(),
    tier: text('tier').notNull(),
    attributes: jsonb('attributes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.key] })],
);

export const assetApplications = pgTable(
  'asset_applications',
  {
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    assetKey: text('asset_key').notNull(),
    applicationKey: text('application_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.assetKey, t.applicationKey] })],
);

export const dependencies = pgTable(
  'dependencies',
  {
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    fromKey: text('from_key').notNull(),
    toKey: text('to_key').notNull(),
    port: integer('port').notNull().default(0),
    type: text('type').notNull(),
    protocol: text('protocol'),
    confidence: doublePrecision('confidence').notNull(),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.fromKey, t.toKey, t.port] })],
);

/** Reviewers' overrides of 7R recommendations; later assessments of the same tenant get them as examples. */
export const strategyOverrides = pgTable(
  'strategy_overrides',
  {
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    applicationKey: text('application_key').notNull(),
    strategy: text('strategy').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.flowId, t.applicationKey] })],
);

/** The CMDB update of a decommission: which inventory assets were shut down, by which flow, approved by whom. */
export const assetDecommissions = pgTable(
  'asset_decommissions',
  {
    tenantId: text('tenant_id').notNull(),
    inventoryFlowId: text('inventory_flow_id').notNull(),
    assetKey: text('asset_key').notNull(),
    flowId: text('flow_id').notNull(),
    approvedBy: text('approved_by').notNull(),
    monthlySaving: doublePrecision('monthly_saving').notNull(),
    decommissionedAt: timestamp('decommissioned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.inventoryFlowId, t.assetKey] })],
);

/**
 * The LLM ledger: one row per model request the platform made or served from cache, whatever its outcome.
 * Cost is computed at write time from the pricing table, so later price changes never rewrite history.
 */
export const llmCalls = pgTable(
  'llm_calls',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    phase: text('phase').notNull(),
    run: integer('run').notNull(),
    /** The Temporal activity attempt that made the call: a retried phase shows attempts > 1. */
    attempt: integer('attempt').notNull(),
    agent: text('agent').notNull(),
    model: text('model').notNull(),
    outcome: text('outcome').notNull(),
    /** True when the answer came from the tenant's cache: no request was sent and nothing was billed. */
    cached: boolean('cached').notNull().default(false),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    latencyMs: integer('latency_ms').notNull(),
    cacheKey: text('cache_key').notNull(),
    detail: text('detail'),
    createdAt: createdAt(),
  },
  (t) => [index('llm_calls_tenant_time').on(t.tenantId, t.createdAt), index('llm_calls_flow').on(t.tenantId, t.flowId)],
);

/**
 * Content-addressed model answers, per tenant: the key is a hash of everything sent (model, messages, tools,
 * output schema), so an identical request (a retry after a crash, a re-run) is answered without paying again.
 */
export const llmCache = pgTable(
  'llm_cache',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    model: text('model').notNull(),
    response: jsonb('response').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/**
 * What the LLM calls in flight of a budgeted tenant could cost at worst, reserved before each request is sent and
 * deleted with the ledger row of its outcome. The budget check counts these next to the month's spend, under a
 * lock on the tenant row, so concurrent calls (several flows, several workers) cannot together pass the budget.
 * A reservation older than twice the request timeout belongs to a worker that died mid-call: it no longer counts.
 */
export const llmBudgetReservations = pgTable(
  'llm_budget_reservations',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tenantId: text('tenant_id').notNull(),
    flowId: text('flow_id').notNull(),
    phase: text('phase').notNull(),
    estimateUsd: doublePrecision('estimate_usd').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('llm_budget_reservations_tenant_time').on(t.tenantId, t.createdAt)],
);

/**
 * Model requests being asked right now, one per tenant and cache key: the run that claims a key asks the model, and
 * runs that need the identical answer meanwhile wait for it to reach the cache instead of paying (and spending the
 * request quota) for it again. The answer's ledger transaction deletes the claim; a run that ends
 * without an answer deletes its own. A claim older than its lifetime (the asker died, or waits too long in a
 * backlog) may be taken over.
 */
export const llmRequestsInFlight = pgTable(
  'llm_requests_in_flight',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    /** The phase run asking: `<flow id>/<phase>/<run>`, the same on its deferred first try and on the agent queue. */
    holder: text('holder').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/**
 * The model requests sent to each endpoint in the last minute, one row per request: the window the request quota
 * (MFO_AGENT_REQUESTS_PER_MINUTE) is kept in, shared by every worker of the fleet. Rows older than the window are
 * deleted by the next request that looks.
 */
export const llmRequestWindow = pgTable(
  'llm_request_window',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    endpoint: text('endpoint').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('llm_request_window_endpoint_time').on(t.endpoint, t.sentAt)],
);

/**
 * Idempotency-Keys of flow starts: a caller that retries `POST /flows` with the key it used before gets the flow
 * that key started, not a second one. The flow id is chosen when the key is first claimed, so a gateway that dies
 * between the claim and the start leaves a retry everything it needs to start that same flow. Only a digest of
 * the request is kept (flow inputs travel encrypted through Temporal and are not copied here).
 */
export const flowStartKeys = pgTable(
  'flow_start_keys',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    requestDigest: text('request_digest').notNull(),
    flowId: text('flow_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  // Expired keys are deleted by age (see FlowStartKeys.prune).
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('flow_start_keys_created_at_idx').on(t.createdAt)],
);
