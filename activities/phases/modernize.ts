/** Modernize's phases (FLOWS.md §5) for the applications an assessment marked refactor or replatform. */
import type { PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { designTargetArchitecture, identifyModernizationOpportunities, planModernizationBacklog, type ModernizationOpportunity } from '../analysis/modernize';
import { loadArtifact, runPhaseOnce, type Tx } from '../artifacts';
import type { ActivityDeps } from '../deps';
import { flowRef, inventoryFlowId, latestArtifact, loadInventory } from '../inventory';
import type { StrategyArtifact } from './assessment';

const MODERNISED = new Set(['refactor', 'replatform']);

export function createModernizePhases(deps: ActivityDeps) {
  async function candidates(tx: Tx, input: PhaseActivityInput) {
    const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
    const assessed = await latestArtifact<StrategyArtifact>(tx, input.tenantId, flowRef(input, 'assessmentFlowId'), 'strategy_recommendation');
    const keys = new Set(assessed.recommendations.filter((r) => MODERNISED.has(r.strategy)).map((r) => r.applicationKey));
    return { inv, apps: inv.applications.filter((a) => keys.has(a.key)) };
  }

  const opportunitiesOf = async (tx: Tx, input: PhaseActivityInput) =>
    (await loadArtifact<{ opportunities: ModernizationOpportunity[] }>(tx, input.tenantId, input.artifacts.modernization_assessment, 'modernization_assessment'))
      .opportunities;

  async function modernizeAssessment(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { inv, apps } = await candidates(tx, input);
      const opportunities = identifyModernizationOpportunities(apps, inv.assets, inv.dependencies);
      const kinds = [...new Set(opportunities.map((o) => o.kind))].sort();
      return {
        summary: `${opportunities.length} opportunities for ${apps.length} refactor/replatform applications${kinds.length ? ` (${kinds.join(', ')})` : ''}`,
        data: { applications: apps.map((a) => a.key), opportunities },
      };
    });
  }

  async function modernizeArchitecture(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { inv, apps } = await candidates(tx, input);
      const opportunities = await opportunitiesOf(tx, input);
      const architectures = apps.map((app) =>
        designTargetArchitecture(app, inv.assets, inv.dependencies, opportunities.filter((o) => o.applicationKey === app.key)),
      );
      return {
        summary: `Target architecture for ${architectures.length} applications, ${architectures.reduce((n, a) => n + a.components.length, 0)} components`,
        data: { architectures, feedbackConsidered: input.feedback.map((f) => f.text) },
      };
    });
  }

  async function modernizeBacklog(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const velocity = Number(input.flowInput.velocityPerSprint);
      const backlog = planModernizationBacklog(await opportunitiesOf(tx, input), velocity);
      return { summary: `${backlog.epics.length} epics, ${backlog.totalPoints} points, ${backlog.sprints} sprints at ${velocity} points/sprint`, data: backlog };
    });
  }

  return { modernizeAssessment, modernizeArchitecture, modernizeBacklog };
}
