/** Request schemas for every gateway input, built from the workflow vocabulary so the two cannot drift. */
import { z } from 'zod';
import { CANONICAL_FIELDS } from '../activities/analysis/model';
import { FLOW_TYPES, type FlowType } from '../workflows/catalog';
import { FLOW_STATUSES, TENANT_ID_PATTERN } from '../workflows/vocabulary';

export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN, 'must be a lower-case slug (a-z, 0-9, -), at most 63 characters');
export const actorSchema = z.string().trim().min(1).max(200);

export const flowInputSchemas: Record<FlowType, z.ZodType<Record<string, unknown>>> = {
  discovery: z.object({ importId: z.uuid() }).strict(),
};

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
          .array(z.object({ phase: z.string().min(1), failRuns: z.number().int().min(1).max(10) }).strict())
          .max(10)
          .default([]),
      })
      .strict()
      .default({ autoApprove: false, phaseRetry: { maximumAttempts: 3, initialIntervalMs: 1_000 }, faults: [] }),
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
};

export const importQuerySchema = z.object({ filename: z.string().min(1).max(255).optional() }).strict();
export const uuidParam = z.uuid();
