/** The Discovery flow's agents: one declaration each, with the offline rules engine as the fallback answer. */
import { z } from 'zod';
import { CANONICAL_FIELDS, type CanonicalApplication, type CanonicalAsset, type CanonicalField } from '../analysis/model';
import { explainCriticalIssues, type DataProfile } from '../analysis/discovery/profile';
import { applyMappingChanges, resolveAmbiguous, type FieldMapping } from '../analysis/discovery/mapping';
import { describeMoveGroups, type Edge, type GraphAnalysis } from '../analysis/discovery/graph';
import type { RawRow } from '../analysis/model';
import type { AgentDefinition } from './provider';

const canonicalField = z.enum(CANONICAL_FIELDS);

export const dataQualityExplainer: AgentDefinition<{ profile: DataProfile }, { explanations: string[] }> = {
  name: 'data-quality-explainer',
  rolePrompt:
    'You are a data-quality analyst for a cloud migration. Explain each critical issue in the profile in one sentence: what is wrong, how many rows, example row numbers, and how to fix it.',
  outputSchema: z.object({ explanations: z.array(z.string().min(1)) }),
  offline: ({ profile }) => ({ explanations: explainCriticalIssues(profile) }),
};

const mappingEntrySchema = z.object({
  sourceColumn: z.string(),
  target: canonicalField.nullable(),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
  alternatives: z.array(z.object({ target: canonicalField, confidence: z.number().min(0).max(1) })),
  ambiguous: z.boolean(),
  decidedBy: z.enum(['rules', 'resolver', 'user']),
});
const fieldMappingSchema = z.object({ entries: z.array(mappingEntrySchema) });

/**
 * Reads mapping instructions out of free-text feedback, e.g. `"VM" -> hostname`, `map DNS Name to hostname`,
 * `Annotation is not mapped`. This is how a reviewer's words reach the offline resolver.
 */
export function mappingChangesFromFeedback(feedback: string[], columns: string[]): Record<string, CanonicalField | null> {
  const changes: Record<string, CanonicalField | null> = {};
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const target = `(${CANONICAL_FIELDS.join('|')}|nothing|none|unmapped)`;
  const patterns = [
    new RegExp(`["'\`]?([^"'\`;,]+?)["'\`]?\\s*(?:->|=>|→)\\s*${target}\\b`, 'gi'),
    new RegExp(`map\\s+["'\`]?([^"'\`;,]+?)["'\`]?\\s+to\\s+${target}\\b`, 'gi'),
    new RegExp(`["'\`]?([^"'\`;,]+?)["'\`]?\\s+is\\s+(?:the\\s+)?${target}\\b`, 'gi'),
  ];
  for (const text of feedback) {
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const column = byLower.get(match[1].trim().toLowerCase());
        if (!column) continue;
        const field = match[2].toLowerCase();
        changes[column] = (CANONICAL_FIELDS as readonly string[]).includes(field) ? (field as CanonicalField) : null;
      }
    }
  }
  return changes;
}

export interface MappingResolverInput {
  mapping: FieldMapping;
  columns: string[];
  rows: RawRow[];
}

export const fieldMappingResolver: AgentDefinition<MappingResolverInput, FieldMapping> = {
  name: 'field-mapping-resolver',
  rolePrompt:
    'You map columns of a raw infrastructure inventory onto a canonical asset schema. Resolve the ambiguous columns using their names and sample values; apply every instruction in the reviewer feedback; explain each decision.',
  outputSchema: fieldMappingSchema,
  offline: ({ mapping, columns, rows }, feedback) => {
    const resolved = resolveAmbiguous(mapping, columns, rows);
    const fromFeedback = mappingChangesFromFeedback(feedback, columns);
    return Object.keys(fromFeedback).length ? applyMappingChanges(resolved, fromFeedback) : resolved;
  },
};

export interface MoveGroupInput {
  analysis: GraphAnalysis;
  edges: Edge[];
  assets: CanonicalAsset[];
  applications: CanonicalApplication[];
}
export type MoveGroups = ReturnType<typeof describeMoveGroups>;

export const moveGroupNamer: AgentDefinition<MoveGroupInput, MoveGroups> = {
  name: 'move-group-namer',
  rolePrompt:
    'You name and describe candidate migration move groups (connected components of the dependency graph). Cite the applications, cycles and hubs each group contains.',
  outputSchema: z.array(
    z.object({
      groupId: z.string(),
      name: z.string().min(1),
      description: z.string().min(1),
      assetKeys: z.array(z.string()),
      applicationKeys: z.array(z.string()),
      rationale: z.string().min(1),
      confidence: z.number().min(0).max(1),
      evidence: z.array(z.string()),
    }),
  ),
  offline: ({ analysis, assets, applications, edges }) => describeMoveGroups(analysis, assets, applications, edges),
};
