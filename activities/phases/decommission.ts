/**
 * Decommission's phases (FLOWS.md §8). Planning proves nothing live still depends on a target (targets that fail
 * are refused); data migration plans retention with checksums; shutdown runs only after a four-eyes approval and
 * records the CMDB update.
 */
import type { PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { assetDecommissions } from '../../db/schema';
import { buildShutdownRunbook, checkDecommissionSafety, planDataRetention, type ArchivePlanItem, type DecommissionSafetyReport } from '../analysis/decommission';
import { insertInChunks, loadArtifact, runPhaseOnce } from '../artifacts';
import type { ActivityDeps } from '../deps';
import { inventoryFlowId, loadInventory } from '../inventory';

export function createDecommissionPhases(deps: ActivityDeps) {
  const safeTargets = (report: DecommissionSafetyReport) => report.targets.filter((t) => t.safe).map((t) => t.assetKey);

  async function decommissionPlanning(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const report = checkDecommissionSafety(input.flowInput.targets as string[], inv.assets, inv.dependencies);
      const refused = report.targets.filter((t) => !t.safe);
      const safe = safeTargets(report);
      return {
        summary: `${safe.length} of ${report.targets.length} targets safe to retire (saving ${report.expectedMonthlySaving.toFixed(0)}/month); ${refused.length} refused${refused.length ? `: ${refused.map((t) => t.assetKey).join(', ')}` : ''}`,
        data: report,
        approvalBlockers: safe.length ? [] : ['no target can be retired: something live still depends on each of them (see blockingEdges)'],
      };
    });
  }

  async function decommissionDataMigration(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const report = await loadArtifact<DecommissionSafetyReport>(tx, input.tenantId, input.artifacts.decommission_planning, 'decommission_planning');
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const archive = planDataRetention(safeTargets(report), inv.assets, inv.applications, String(input.flowInput.asOf));
      return {
        summary: `${archive.length} data stores to archive, ${archive.reduce((n, a) => n + (a.storageGb ?? 0), 0).toFixed(0)} GB, sha256 checksums recorded`,
        data: { archive },
      };
    });
  }

  async function decommissionShutdown(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const report = await loadArtifact<DecommissionSafetyReport>(tx, input.tenantId, input.artifacts.decommission_planning, 'decommission_planning');
      const archive = input.artifacts.data_migration
        ? (await loadArtifact<{ archive: ArchivePlanItem[] }>(tx, input.tenantId, input.artifacts.data_migration, 'data_migration')).archive
        : [];
      const inventory = inventoryFlowId(input);
      const inv = await loadInventory(tx, input.tenantId, inventory);
      const runbook = buildShutdownRunbook(report, inv.assets, inv.dependencies, archive);
      const retired = report.targets.filter((t) => t.safe);
      // The CMDB update: one row per retired asset, idempotent on (tenant, inventory, asset).
      await insertInChunks(retired, 500, (chunk) =>
        tx
          .insert(assetDecommissions)
          .values(
            chunk.map((t) => ({
              tenantId: input.tenantId,
              inventoryFlowId: inventory,
              assetKey: t.assetKey,
              flowId: input.flowId,
              approvedBy: input.approvedBy ?? 'unknown',
              monthlySaving: t.monthlySaving,
            })),
          )
          .onConflictDoNothing(),
      );
      const realised = retired.reduce((n, t) => n + t.monthlySaving, 0);
      return {
        summary: `${retired.length} assets shut down and marked decommissioned (approved by ${input.approvedBy}); realised saving ${realised.toFixed(0)}/month`,
        data: { runbook, retired: retired.map((t) => t.assetKey), approvedBy: input.approvedBy, realisedMonthlySaving: realised },
        outputs: { realisedMonthlySaving: Math.round(realised) },
      };
    });
  }

  return { decommissionPlanning, decommissionDataMigration, decommissionShutdown };
}
