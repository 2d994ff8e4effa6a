/** Request schemas for every gateway input, built from the workflow vocabulary so the two cannot drift. */
import { z } from 'zod';
import { CANONICAL_FIELDS, ENVIRONMENTS } from '../activities/analysis/model';
import { STRATEGIES } from '../activities/analysis/rules/seven-rs';
import { FAULT_KINDS } from '../workflows/messages';
import { FLOW_TYPES, type FlowType } from '../workflows/catalog';
import { FLOW_STATUSES, TENANT_ID_PATTERN, VISIBILITY_UPDATES } from '../workflows/vocabulary';

export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN, 'must be a lower-case slug (a-z, 0-9, -), at most 63 characters');
export const actorSchema = z.string().trim().min(1).max(200);

const isoDate = z.iso.date();
const today = () => new Date().toISOString().slice(0, 10);
const flowId = z.string().min(1).max(300);
const window = z.object({ start: isoDate, end: isoDate, reason: z.string().min(1).max(500) }).strict();

export const DEFAULT_TEAMS = [
  { key: 'infra', name: 'Infrastructure', hoursPerWeek: 160, skills: ['windows', 'linux', 'vmware', 'network', 'storage'] },
  { key: 'data', name: 'Data platform', hoursPerWeek: 80, skills: ['sql server', 'oracle', 'postgresql', 'mysql'] },
  { key: 'apps', name: 'Application engineering', hoursPerWeek: 120, skills: ['java', '.net', 'node', 'python', 'php'] },
];

/** Each flow type's input. Ids of predecessor flows are checked against Temporal by the gateway, not here. */
export const flowInputSchemas: Record<FlowType, z.ZodType<Record<string, unknown>>> = {
  discovery: z.object({ importId: z.uuid() }).strict(),
  assessment: z.object({ discoveryFlowId: flowId, asOf: isoDate.default(today) }).strict(),
  planning: z
    .object({
      assessmentFlowId: flowId,
      startDate: isoDate.default(today),
      waveLengthDays: z.number().int().min(1).max(180).default(14),
      maxAppsPerWave: z.number().int().min(1).max(1000).default(10),
      maxAssetsPerWave: z.number().int().min(1).max(100_000).default(250),
      blackoutWindows: z.array(window).max(100).default([]),
      teams: z
        .array(z.object({ key: z.string().min(1), name: z.string().min(1), hoursPerWeek: z.number().positive(), skills: z.array(z.string()) }).strict())
        .min(1)
        .max(100)
        .default(DEFAULT_TEAMS),
      prepDays: z.number().int().min(0).max(90).default(5),
      hypercareDays: z.number().int().min(0).max(90).default(5),
    })
    .strict(),
  execution: z
    .object({
      planningFlowId: flowId,
      wave: z.number().int().min(1),
      asOf: isoDate.default(today),
      changeTickets: z.record(z.string(), z.string().min(1)).default({}),
      lastBackups: z.record(z.string(), isoDate).default({}),
      landingZones: z.array(z.enum(ENVIRONMENTS)).default(['production', 'staging', 'test', 'development', 'dr']),
    })
    .strict(),
  modernize: z.object({ assessmentFlowId: flowId, velocityPerSprint: z.number().int().min(1).max(500).default(30) }).strict(),
  finops: z
    .object({
      discoveryFlowId: flowId,
      months: z.number().int().min(1).max(60).default(12),
      startMonth: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
        .default(() => today().slice(0, 7)),
      monthlyGrowthPct: z.number().min(-50).max(100).default(1),
      llmMonthlySpend: z.number().min(0).optional(),
      adoption: z.number().min(0).max(1).default(0.7),
      rampMonths: z.number().int().min(1).max(24).default(3),
      contingencyPct: z.number().min(0).max(100).default(10),
    })
    .strict(),
  observability: z.object({ discoveryFlowId: flowId, applicationKeys: z.array(z.string().min(1)).max(10_000).optional() }).strict(),
  decommission: z.object({ discoveryFlowId: flowId, targets: z.array(z.string().min(1)).min(1).max(10_000), asOf: isoDate.default(today) }).strict(),
};

const chainSchema = z.object({ flowType: z.enum(FLOW_TYPES), input: z.record(z.string(), z.unknown()).default({}) }).strict();

export const startFlowSchema = z
  .object({
    flowType: z.enum(FLOW_TYPES),
    input: z.record(z.string(), z.unknown()),
    options: z
      .object({
        autoApprove: z.boolean().default(false),
        phaseRetry: z
          .object({
            maximumAttempts: z.number().int().min(1).max(20).default(3),
            initialIntervalMs: z.number().int().min(100).max(600_000).default(1_000),
          })
          .strict()
          .default({ maximumAttempts: 3, initialIntervalMs: 1_000 }),
        faults: z
          .array(
            z
              .object({
                phase: z.string().min(1),
                failRuns: z.number().int().min(1).max(10),
                kind: z.enum(FAULT_KINDS).default('error'),
              })
              .strict(),
          )
          .max(10)
          .default([]),
        chain: chainSchema.nullable().default(null),
        // Unset: the gateway's MFO_VISIBILITY_UPDATES.
        visibilityUpdates: z.enum(VISIBILITY_UPDATES).optional(),
      })
      .strict()
      .default({ autoApprove: false, phaseRetry: { maximumAttempts: 3, initialIntervalMs: 1_000 }, faults: [], chain: null }),
  })
  .strict();
export type StartFlowRequest = z.infer<typeof startFlowSchema>;

export const listFlowsSchema = z
  .object({
    type: z.enum(FLOW_TYPES).optional(),
    status: z.enum(FLOW_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const phaseField = z.string().min(1).max(100).optional();

export const controlSchemas = {
  pause: z.object({}).strict(),
  resume: z.object({}).strict(),
  retry: z.object({}).strict(),
  skip: z.object({}).strict(),
  cancel: z.object({ reason: z.string().max(2000).optional() }).strict(),
  approve: z.object({ phase: phaseField, comment: z.string().max(2000).optional() }).strict(),
  reject: z
    .object({
      phase: phaseField,
      feedback: z.string().trim().min(1).max(10_000),
      changes: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  input: z.object({ phase: phaseField, data: z.record(z.string(), z.unknown()) }).strict(),
} as const;
export type ControlAction = keyof typeof controlSchemas;
export const CONTROL_ACTIONS = Object.keys(controlSchemas) as ControlAction[];

/** Phase-specific shapes of the structured `changes` a rejection may carry. */
export const phaseChangeSchemas: Record<string, z.ZodType<Record<string, unknown>>> = {
  field_mapping: z.record(z.string(), z.enum(CANONICAL_FIELDS).nullable()),
  strategy_recommendation: z.record(z.string(), z.enum(STRATEGIES)),
  wave_planning: z.record(z.string(), z.number().int().min(1).max(1000)),
};

export const successorSchema = z
  .object({ flowType: z.enum(FLOW_TYPES), input: z.record(z.string(), z.unknown()).default({}), options: z.unknown().optional() })
  .strict();

export const importQuerySchema = z.object({ filename: z.string().min(1).max(255).optional() }).strict();
export const uuidParam = z.uuid();
