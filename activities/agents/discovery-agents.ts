/** The Discovery flow's agents (FLOWS.md §1): one declaration each, with the offline rules engine as the fallback. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { rawRows } from '../../db/schema';
import { CANONICAL_FIELDS, type CanonicalApplication, type CanonicalAsset, type CanonicalField, type RawRow } from '../analysis/model';
import { explainCriticalIssues, type DataProfile } from '../analysis/discovery/profile';
import { applyMappingChanges, resolveAmbiguous, type FieldMapping } from '../analysis/discovery/mapping';
import { describeMoveGroups, type Edge, type GraphAnalysis, type MoveGroup } from '../analysis/discovery/graph';
import type { AgentDefinition } from './provider';

const canonicalField = z.enum(CANONICAL_FIELDS);
const confidence = z.number().min(0).max(1);
const evidence = z.array(z.string()).describe('ids of the rows, assets, applications, dependencies or rules this rests on');

// ---------------------------------------------------------------------------------------------------------------
export interface QualityExplainerInput {
  importId: string;
  profile: DataProfile;
}

export const dataQualityExplainer: AgentDefinition<QualityExplainerInput, { explanations: string[] }> = {
  name: 'data-quality-explainer',
  rolePrompt:
    'You are a data-quality analyst for a cloud migration. Explain each critical issue in the profile in one sentence: what is wrong, how many rows, example row numbers, and how to fix it. One explanation per critical issue, in the order given.',
  brief: ({ profile }) => ({
    rowCount: profile.rowCount,
    qualityScore: profile.qualityScore,
    criticalIssues: profile.issues
      .filter((i) => i.severity === 'critical')
      .map((i) => ({ code: i.code, column: i.column, message: i.message, affectedRows: i.affectedRows, exampleRows: i.rowNumbers.slice(0, 5) })),
  }),
  tools: [
    {
      name: 'get_rows',
      description: 'Raw rows of the uploaded file by row number (as staged, before any cleansing), in row order.',
      parameters: z.object({ rowNumbers: z.array(z.number().int().min(1)).min(1).max(20) }),
      // Ordered: the result goes into the next request, and an order that varied between attempts would change
      // its cache key (and the model's input).
      run: async ({ rowNumbers }: { rowNumbers: number[] }, { db, tenantId, input }) =>
        db
          .select({ rowNumber: rawRows.rowNumber, data: rawRows.data })
          .from(rawRows)
          .where(and(eq(rawRows.tenantId, tenantId), eq(rawRows.importId, input.importId), inArray(rawRows.rowNumber, rowNumbers)))
          .orderBy(asc(rawRows.rowNumber)),
    },
  ],
  outputSchema: z.object({ explanations: z.array(z.string().min(1)) }),
  offline: ({ profile }) => ({ explanations: explainCriticalIssues(profile) }),
};

// ---------------------------------------------------------------------------------------------------------------
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

export interface MappingDecision {
  sourceColumn: string;
  target: CanonicalField | null;
  confidence: number;
  reason: string;
}

export const fieldMappingResolver: AgentDefinition<MappingResolverInput, { decisions: MappingDecision[] }> = {
  name: 'field-mapping-resolver',
  rolePrompt:
    'You map columns of a raw infrastructure inventory onto a canonical asset schema. Decide every ambiguous column using its name and sample values (target null = not mapped); apply every instruction in the reviewer feedback; give the reason for each decision. Never map two columns to one field.',
  brief: ({ mapping, rows }) => ({
    canonicalFields: CANONICAL_FIELDS,
    rowCount: rows.length,
    confident: mapping.entries.filter((e) => !e.ambiguous && e.target).map((e) => ({ column: e.sourceColumn, target: e.target })),
    ambiguous: mapping.entries
      .filter((e) => e.ambiguous || !e.target)
      .map((e) => ({ column: e.sourceColumn, best: e.target, confidence: e.confidence, alternatives: e.alternatives, samples: sampleValues(rows, e.sourceColumn, 5) })),
  }),
  tools: [
    {
      name: 'column_values',
      description: 'Distinct sample values of one source column, with how often each occurs.',
      parameters: z.object({ column: z.string(), limit: z.number().int().min(1).max(50).default(20) }),
      run: async ({ column, limit }: { column: string; limit: number }, { input }) => {
        if (!input.columns.includes(column)) return { error: `no column ${column}; columns: ${input.columns.join(', ')}` };
        const counts = new Map<string, number>();
        for (const row of input.rows) {
          const value = String(row.data[column] ?? '');
          counts.set(value, (counts.get(value) ?? 0) + 1);
        }
        return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([value, count]) => ({ value, count }));
      },
    },
  ],
  outputSchema: z.object({
    decisions: z
      .array(z.object({ sourceColumn: z.string(), target: canonicalField.nullable(), confidence, reason: z.string().min(1) }))
      .refine((ds) => new Set(ds.filter((d) => d.target).map((d) => d.target)).size === ds.filter((d) => d.target).length, {
        message: 'two decisions map to the same canonical field',
      }),
  }),
  offline: ({ mapping, columns, rows }, { feedback }) => {
    const resolved = resolveAmbiguous(mapping, columns, rows);
    const fromFeedback = mappingChangesFromFeedback(feedback, columns);
    const final = Object.keys(fromFeedback).length ? applyMappingChanges(resolved, fromFeedback) : resolved;
    const before = new Map(mapping.entries.map((e) => [e.sourceColumn, e]));
    return {
      decisions: final.entries
        .filter((e) => e.decidedBy !== 'rules' || e.target !== before.get(e.sourceColumn)?.target)
        .map((e) => ({ sourceColumn: e.sourceColumn, target: e.target, confidence: e.confidence, reason: e.reasons.at(-1) ?? 'resolved' })),
    };
  },
};

/** The resolver's decisions applied on the rules' mapping; a column a decision takes a field from is unmapped. */
export function applyResolverDecisions(mapping: FieldMapping, decisions: MappingDecision[], columns: string[]): FieldMapping {
  const known = decisions.filter((d) => columns.includes(d.sourceColumn));
  const changed = applyMappingChanges(mapping, Object.fromEntries(known.map((d) => [d.sourceColumn, d.target])));
  const byColumn = new Map(known.map((d) => [d.sourceColumn, d]));
  return {
    ...changed,
    entries: changed.entries.map((entry) => {
      const decision = byColumn.get(entry.sourceColumn);
      if (!decision) return entry.decidedBy === 'user' ? { ...entry, decidedBy: 'resolver' } : entry;
      const reasons = [...entry.reasons.slice(0, -1), decision.reason.startsWith('resolver') || decision.reason.startsWith('user') ? decision.reason : `resolver: ${decision.reason}`];
      return { ...entry, confidence: decision.confidence, reasons, decidedBy: 'resolver' };
    }),
  };
}

function sampleValues(rows: RawRow[], column: string, n: number): string[] {
  const values = new Set<string>();
  for (const row of rows) {
    const value = row.data[column];
    if (value !== undefined && value !== '') values.add(String(value));
    if (values.size >= n) break;
  }
  return [...values];
}

// ---------------------------------------------------------------------------------------------------------------
export interface MoveGroupInput {
  analysis: GraphAnalysis;
  edges: Edge[];
  assets: CanonicalAsset[];
  applications: CanonicalApplication[];
}

export interface MoveGroupName {
  groupId: string;
  name: string;
  description: string;
  rationale: string;
  confidence: number;
  evidence: string[];
}

/** Only the largest groups are put to the model; the long tail of singletons keeps the rules' names. */
const GROUPS_BRIEFED = 40;

export const moveGroupNamer: AgentDefinition<MoveGroupInput, { groups: MoveGroupName[] }> = {
  name: 'move-group-namer',
  rolePrompt:
    'You name and describe candidate migration move groups (connected components of the dependency graph). For each group in the brief give a short name, a one-paragraph description, and a rationale citing the applications, cycles and hubs it contains.',
  brief: (input) =>
    largestGroups(input).map((g) => ({
      groupId: g.groupId,
      rulesName: g.name,
      assetCount: g.assetKeys.length,
      applicationKeys: g.applicationKeys.slice(0, 10),
      evidence: g.evidence.slice(0, 10),
    })),
  tools: [
    {
      name: 'group_members',
      description: 'The assets of one move group: key, hostname, OS, environment, criticality.',
      parameters: z.object({ groupId: z.string(), limit: z.number().int().min(1).max(100).default(25) }),
      run: async ({ groupId, limit }: { groupId: string; limit: number }, { input }) => {
        const group = describeMoveGroups(input.analysis, input.assets, input.applications, input.edges).find((g) => g.groupId === groupId);
        if (!group) return { error: `no group ${groupId}` };
        const members = new Set(group.assetKeys.slice(0, limit));
        return input.assets
          .filter((a) => members.has(a.key))
          .map((a) => ({ key: a.key, hostname: a.hostname, os: `${a.osFamily ?? ''} ${a.osVersion ?? ''}`.trim(), environment: a.environment, criticality: a.criticality }));
      },
    },
    {
      name: 'asset_dependencies',
      description: 'Declared dependencies from and to one asset key.',
      parameters: z.object({ assetKey: z.string() }),
      run: async ({ assetKey }: { assetKey: string }, { input }) => input.edges.filter((e) => e.from === assetKey || e.to === assetKey).slice(0, 100),
    },
  ],
  outputSchema: z.object({
    groups: z.array(z.object({ groupId: z.string(), name: z.string().min(1), description: z.string().min(1), rationale: z.string().min(1), confidence, evidence })),
  }),
  offline: (input) => ({
    groups: largestGroups(input).map(({ groupId, name, description, rationale, confidence, evidence }) => ({ groupId, name, description, rationale, confidence, evidence })),
  }),
};

function largestGroups(input: MoveGroupInput): MoveGroup[] {
  return describeMoveGroups(input.analysis, input.assets, input.applications, input.edges)
    .slice()
    .sort((a, b) => b.assetKeys.length - a.assetKeys.length || (a.groupId < b.groupId ? -1 : 1))
    .slice(0, GROUPS_BRIEFED);
}

/** The rules' groups with the agent's names laid over them (groups the agent did not name keep the rules' text). */
export function nameMoveGroups(groups: MoveGroup[], names: MoveGroupName[]): MoveGroup[] {
  const byId = new Map(names.map((n) => [n.groupId, n]));
  return groups.map((g) => {
    const named = byId.get(g.groupId);
    return named ? { ...g, name: named.name, description: named.description, rationale: named.rationale, confidence: named.confidence, evidence: named.evidence } : g;
  });
}
