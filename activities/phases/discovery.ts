/**
 * Discovery's six phases (FLOWS.md §1). Each one reads the previous phases' artifacts, runs the deterministic
 * analysis (and its agent, where FLOWS.md gives one), and stores its own artifact in one transaction.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, eq } from 'drizzle-orm';
import { applications, assetApplications, assets, dependencies, imports, rawRows } from '../../db/schema';
import { PhaseFailureType, type AgentPhaseResult, type PhaseActivityInput, type PhaseActivityResult } from '../../workflows/messages';
import { applyResolverDecisions, dataQualityExplainer, fieldMappingResolver, moveGroupNamer, nameMoveGroups } from '../agents/discovery-agents';
import { agentRun } from '../agents/phase-run';
import { OFFLINE_PROVIDER_NAME } from '../agents/provider';
import { cleanseRows, type CleansingResult } from '../analysis/discovery/cleansing';
import { parseImport } from '../analysis/discovery/formats';
import { analyseDependencyGraph, describeMoveGroups, type MoveGroup } from '../analysis/discovery/graph';
import { buildInventory } from '../analysis/discovery/inventory';
import { applyMappingChanges, suggestMapping, type FieldMapping } from '../analysis/discovery/mapping';
import { profileData, type DataProfile } from '../analysis/discovery/profile';
import type { CanonicalApplication, CanonicalAsset, CanonicalField, RawRow } from '../analysis/model';
import { heartbeat, insertInChunks, loadArtifact, runAgentPhaseOnce, runPhaseOnce, type Reader } from '../artifacts';
import type { ActivityDeps } from '../deps';

const CHUNK = 1000;

export interface ImportArtifact {
  importId: string;
  filename: string;
  format: string;
  columns: string[];
  rowCount: number;
  encodingIssues: { rowNumber: number; column: string; problem: string }[];
  encodingIssueCount: number;
  warnings: string[];
}

export interface ValidationArtifact {
  profile: DataProfile;
  explanations: string[];
  provider: string;
  criticalIssueCount: number;
  excludedRows: number[];
  acceptedBy: string | null;
}

export interface MappingArtifact {
  mapping: FieldMapping;
  provider: string;
  feedbackConsidered: string[];
  changesApplied: Record<string, CanonicalField | null>;
}

export interface InventoryArtifact {
  assetCount: number;
  applicationCount: number;
  membershipCount: number;
  dependencyCount: number;
  unresolvedDependencies: { fromKey: string; target: string; reason: string }[];
  completeness: { score: number; byField: Record<string, number> };
}

export interface DependencyArtifact {
  nodeCount: number;
  edgeCount: number;
  components: number;
  cycles: string[][];
  hubs: { key: string; fanIn: number; fanOut: number }[];
  orphans: string[];
  moveGroups: MoveGroup[];
  provider: string;
}

function importIdOf(input: PhaseActivityInput): string {
  const importId = input.flowInput.importId;
  if (typeof importId !== 'string') {
    throw ApplicationFailure.create({
      type: PhaseFailureType.invalidInput,
      message: 'discovery input needs an importId',
      nonRetryable: true,
    });
  }
  return importId;
}

async function loadRows(tx: Reader, tenantId: string, importId: string, excluded: number[]): Promise<RawRow[]> {
  const skip = new Set(excluded);
  const rows = await tx
    .select({ rowNumber: rawRows.rowNumber, data: rawRows.data })
    .from(rawRows)
    .where(and(eq(rawRows.tenantId, tenantId), eq(rawRows.importId, importId)))
    .orderBy(asc(rawRows.rowNumber));
  return rows.filter((r) => !skip.has(r.rowNumber));
}

/** The staged rows minus those the data_validation gate excluded (none if that phase was skipped). */
async function validatedRows(tx: Reader, input: PhaseActivityInput): Promise<{ imported: ImportArtifact; rows: RawRow[] }> {
  const imported = await loadArtifact<ImportArtifact>(tx, input.tenantId, input.artifacts.data_import, 'data_import');
  const excluded = input.artifacts.data_validation
    ? (await loadArtifact<ValidationArtifact>(tx, input.tenantId, input.artifacts.data_validation, 'data_validation')).excludedRows
    : [];
  return { imported, rows: await loadRows(tx, input.tenantId, imported.importId, excluded) };
}

export function createDiscoveryPhases(deps: ActivityDeps) {
  const { agents } = deps;

  async function discoveryDataImport(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const importId = importIdOf(input);
      const [upload] = await tx
        .select()
        .from(imports)
        .where(and(eq(imports.tenantId, input.tenantId), eq(imports.id, importId)));
      if (!upload) {
        throw ApplicationFailure.create({
          type: PhaseFailureType.invalidInput,
          message: `import ${importId} not found for tenant ${input.tenantId}`,
          nonRetryable: true,
        });
      }
      const parsed = parseImport(upload.content, upload.filename);
      // Staging is keyed by (tenant, import, row): the same import used by several flows is staged once.
      await insertInChunks(parsed.rows, CHUNK, (chunk) =>
        tx
          .insert(rawRows)
          .values(chunk.map((r) => ({ tenantId: input.tenantId, importId, rowNumber: r.rowNumber, data: r.data })))
          .onConflictDoNothing(),
      );
      const artifact: ImportArtifact = {
        importId,
        filename: upload.filename,
        format: parsed.format,
        columns: parsed.columns,
        rowCount: parsed.rows.length,
        encodingIssues: parsed.encodingIssues.slice(0, 200),
        encodingIssueCount: parsed.encodingIssues.length,
        warnings: parsed.warnings,
      };
      return {
        summary: `Staged ${artifact.rowCount} rows × ${artifact.columns.length} columns from ${upload.filename} (${parsed.format}); ${artifact.encodingIssueCount} encoding problems`,
        data: artifact,
      };
    });
  }

  async function discoveryDataValidation(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const imported = await loadArtifact<ImportArtifact>(db, input.tenantId, input.artifacts.data_import, 'data_import');
      const human = input.humanInput ?? {};
      const excludedRows = Array.isArray(human.excludeRows) ? human.excludeRows.filter(Number.isInteger) : [];
      const accepted = human.accept === true;
      const rows = await loadRows(db, input.tenantId, imported.importId, excludedRows);
      heartbeat();
      const profile = profileData(imported.columns, rows);
      const critical = profile.issues.filter((i) => i.severity === 'critical');
      // With nothing to explain no model is asked: the (empty) answer is the rules', and is labelled so.
      const explained = critical.length
        ? await agents.run(dataQualityExplainer, agentRun(deps, input, { importId: imported.importId, profile }))
        : { output: { explanations: [] }, provider: OFFLINE_PROVIDER_NAME };
      const artifact: ValidationArtifact = {
        profile,
        explanations: explained.output.explanations,
        provider: explained.provider,
        criticalIssueCount: critical.length,
        excludedRows,
        acceptedBy: accepted ? 'input' : null,
      };
      const needsInput = critical.length > 0 && !accepted;
      return {
        summary: `Quality score ${profile.qualityScore}/100 over ${rows.length} rows; ${critical.length} critical, ${profile.issues.length - critical.length} other issues${excludedRows.length ? `; ${excludedRows.length} rows excluded` : ''}`,
        data: artifact,
        inputRequest: needsInput ? `${critical.length} critical data-quality issue(s): ${explained.output.explanations.join(' ')}` : null,
      };
    });
  }

  async function discoveryFieldMapping(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const { imported, rows } = await validatedRows(db, input);
      const suggested = suggestMapping(imported.columns, rows);
      const feedback = input.feedback.map((f) => f.text);
      const resolved = await agents.run(fieldMappingResolver, agentRun(deps, input, { mapping: suggested, columns: imported.columns, rows }));
      // Structured edits sent with a rejection are applied last: the reviewer has the final word.
      const changes: Record<string, CanonicalField | null> = Object.assign(
        {},
        ...input.feedback.map((f) => (f.changes ?? {}) as Record<string, CanonicalField | null>),
      );
      let mapping: FieldMapping;
      try {
        mapping = applyResolverDecisions(suggested, resolved.output.decisions, imported.columns);
        if (Object.keys(changes).length) mapping = applyMappingChanges(mapping, changes);
      } catch (err) {
        throw ApplicationFailure.create({ type: PhaseFailureType.invalidInput, message: (err as Error).message, nonRetryable: true });
      }
      const artifact: MappingArtifact = { mapping, provider: resolved.provider, feedbackConsidered: feedback, changesApplied: changes };
      const mapped = mapping.entries.filter((e) => e.target);
      const low = mapped.filter((e) => e.confidence < 0.6).length;
      return {
        summary: `Mapped ${mapped.length}/${mapping.entries.length} columns (${low} below 0.6 confidence)${feedback.length ? `; ${feedback.length} feedback note(s) applied` : ''}`,
        data: artifact,
      };
    });
  }

  async function discoveryDataCleansing(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { imported, rows } = await validatedRows(tx, input);
      // A skipped mapping phase falls back to the rules' own suggestion rather than stopping the flow.
      const mapping = input.artifacts.field_mapping
        ? (await loadArtifact<MappingArtifact>(tx, input.tenantId, input.artifacts.field_mapping, 'field_mapping')).mapping
        : suggestMapping(imported.columns, rows);
      heartbeat();
      const result = cleanseRows(rows, mapping);
      const changed = Object.values(result.changeCounts).reduce((a, b) => a + b, 0);
      return {
        summary: `${result.assets.length} assets from ${rows.length} rows: ${changed} values normalised, ${result.duplicatesMerged.length} duplicate groups merged, ${result.rejectedRows.length} rows rejected`,
        data: result,
      };
    });
  }

  async function discoveryAssetInventory(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const cleansed = await loadArtifact<CleansingResult>(tx, input.tenantId, input.artifacts.data_cleansing, 'data_cleansing');
      const inventory = buildInventory(cleansed.assets);
      const scope = { tenantId: input.tenantId, flowId: input.flowId };
      // Replace, never append: a re-run of this phase leaves exactly one copy of the flow's inventory.
      for (const table of [assets, applications, assetApplications, dependencies]) {
        await tx.delete(table).where(and(eq(table.tenantId, scope.tenantId), eq(table.flowId, scope.flowId)));
      }
      await insertInChunks(cleansed.assets, CHUNK, (chunk) => tx.insert(assets).values(chunk.map((a) => assetRow(scope, a))));
      await insertInChunks(inventory.applications, CHUNK, (chunk) =>
        tx.insert(applications).values(chunk.map((a) => applicationRow(scope, a))),
      );
      await insertInChunks(inventory.memberships, CHUNK, (chunk) =>
        tx.insert(assetApplications).values(chunk.map((m) => ({ ...scope, ...m }))),
      );
      await insertInChunks(inventory.dependencies, CHUNK, (chunk) =>
        tx.insert(dependencies).values(
          chunk.map((d) => ({
            ...scope,
            fromKey: d.fromKey,
            toKey: d.toKey,
            port: d.port ?? 0,
            type: d.type,
            protocol: d.protocol,
            confidence: d.confidence,
            source: d.source,
          })),
        ),
      );
      const artifact: InventoryArtifact = {
        assetCount: cleansed.assets.length,
        applicationCount: inventory.applications.length,
        membershipCount: inventory.memberships.length,
        dependencyCount: inventory.dependencies.length,
        unresolvedDependencies: inventory.unresolvedDependencies.slice(0, 500),
        completeness: inventory.completeness,
      };
      return {
        summary: `Inventory: ${artifact.assetCount} assets, ${artifact.applicationCount} applications, ${artifact.dependencyCount} dependencies (${inventory.unresolvedDependencies.length} unresolved); completeness ${artifact.completeness.score}/100`,
        data: artifact,
      };
    });
  }

  async function discoveryDependencyAnalysis(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const scope = (t: typeof assets | typeof applications | typeof dependencies) =>
        and(eq(t.tenantId, input.tenantId), eq(t.flowId, input.flowId));
      const assetRows = await db.select({ attributes: assets.attributes }).from(assets).where(scope(assets)).orderBy(asc(assets.key));
      const appRows = await db
        .select({ attributes: applications.attributes })
        .from(applications)
        .where(scope(applications))
        .orderBy(asc(applications.key));
      const edges = await db
        .select({ from: dependencies.fromKey, to: dependencies.toKey })
        .from(dependencies)
        .where(scope(dependencies))
        .orderBy(asc(dependencies.fromKey), asc(dependencies.toKey), asc(dependencies.port));
      heartbeat();
      const canonicalAssets = assetRows.map((r) => r.attributes as CanonicalAsset);
      const canonicalApps = appRows.map((r) => r.attributes as CanonicalApplication);
      const analysis = analyseDependencyGraph(
        canonicalAssets.map((a) => a.key),
        edges,
      );
      const agentInput = { analysis, edges, assets: canonicalAssets, applications: canonicalApps };
      const groups = await agents.run(moveGroupNamer, agentRun(deps, input, agentInput));
      const artifact: DependencyArtifact = {
        nodeCount: canonicalAssets.length,
        edgeCount: edges.length,
        components: analysis.components.length,
        cycles: analysis.cycles,
        hubs: analysis.hubs,
        orphans: analysis.orphans,
        moveGroups: nameMoveGroups(describeMoveGroups(analysis, canonicalAssets, canonicalApps, edges), groups.output.groups),
        provider: groups.provider,
      };
      return {
        summary: `${artifact.nodeCount} nodes, ${artifact.edgeCount} edges: ${artifact.moveGroups.length} move groups, ${artifact.cycles.length} cycles, ${artifact.hubs.length} hubs, ${artifact.orphans.length} orphans`,
        data: artifact,
      };
    });
  }

  return {
    discoveryDataImport,
    discoveryDataValidation,
    discoveryFieldMapping,
    discoveryDataCleansing,
    discoveryAssetInventory,
    discoveryDependencyAnalysis,
  };
}

function assetRow(scope: { tenantId: string; flowId: string }, a: CanonicalAsset) {
  return {
    ...scope,
    key: a.key,
    hostname: a.hostname,
    ip: a.ip,
    assetType: a.assetType,
    osFamily: a.osFamily,
    osVersion: a.osVersion,
    cpu: a.cpu,
    memoryGb: a.memoryGb,
    storageGb: a.storageGb,
    environment: a.environment,
    criticality: a.criticality,
    owner: a.owner,
    monthlyCost: a.monthlyCost,
    attributes: a,
  };
}

function applicationRow(scope: { tenantId: string; flowId: string }, a: CanonicalApplication) {
  return { ...scope, key: a.key, name: a.name, owner: a.owner, criticality: a.criticality, tier: a.tier, attributes: a };
}
