/** Observability's phases (FLOWS.md §7): SLOs, logging and alert rules for (a selection of) applications. */
import type { PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { buildAlertRules, defineSlos, planLogging, type AppSlos } from '../analysis/observability';
import { loadArtifact, runPhaseOnce, type Tx } from '../artifacts';
import type { ActivityDeps } from '../deps';
import { inventoryFlowId, loadInventory } from '../inventory';

export function createObservabilityPhases(deps: ActivityDeps) {
  async function selected(tx: Tx, input: PhaseActivityInput) {
    const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
    const keys = input.flowInput.applicationKeys as string[] | undefined;
    return { inv, apps: keys?.length ? inv.applications.filter((a) => keys.includes(a.key)) : inv.applications };
  }

  async function observabilityMonitoring(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { apps } = await selected(tx, input);
      const slos = defineSlos(apps);
      return { summary: `${slos.reduce((n, s) => n + s.slos.length, 0)} SLOs for ${slos.length} applications`, data: { slos } };
    });
  }

  async function observabilityLogging(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { inv, apps } = await selected(tx, input);
      const plans = planLogging(apps, inv.assets);
      const gb = plans.reduce((n, p) => n + p.estimatedGbPerDay, 0);
      return { summary: `${plans.reduce((n, p) => n + p.streams.length, 0)} log streams, about ${gb.toFixed(1)} GB/day`, data: { plans } };
    });
  }

  async function observabilityAlerting(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { apps } = await selected(tx, input);
      const slos = (await loadArtifact<{ slos: AppSlos[] }>(tx, input.tenantId, input.artifacts.monitoring_setup, 'monitoring_setup')).slos;
      const rules = buildAlertRules(apps, slos);
      return { summary: `${rules.groups.reduce((n, g) => n + g.rules.length, 0)} alert rules in ${rules.groups.length} Prometheus rule groups`, data: rules };
    });
  }

  return { observabilityMonitoring, observabilityLogging, observabilityAlerting };
}
