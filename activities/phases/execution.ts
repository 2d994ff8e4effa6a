/**
 * Execution's phases (FLOWS.md §4) for one wave: the readiness checklist (go / no-go), the manual runbook driver
 * (prepare, compensate one application, record the outcome) and post-migration validation.
 */
import { ApplicationFailure } from '@temporalio/common';
import { PhaseFailureType, type PhaseActivityInput, type PhaseActivityResult, type RunbookActivityInput, type RunbookProgress } from '../../workflows/messages';
import { assessReadiness } from '../analysis/assessment';
import { buildPreMigrationChecklists, compensationPlan, generateRunbook, validatePostMigration, type PreMigrationChecklist, type Runbook } from '../analysis/execution';
import type { Environment } from '../analysis/model';
import { rightsize } from '../analysis/pricing';
import { loadArtifact, runPhaseOnce, type Tx } from '../artifacts';
import type { ActivityDeps } from '../deps';
import { flowRef, inventoryFlowId, latestArtifact, loadInventory } from '../inventory';
import type { WavePlanArtifact } from './planning';

interface ExecutionInput {
  wave: number;
  asOf: string;
  changeTickets: Record<string, string>;
  lastBackups: Record<string, string>;
  landingZones: Environment[];
}

export interface ChecklistArtifact {
  wave: number;
  planningFlowId: string;
  checklists: PreMigrationChecklist[];
  go: string[];
  noGo: string[];
}

export interface RunbookOutcomeArtifact {
  wave: number;
  progress: RunbookProgress;
  migrated: string[];
  rolledBack: string[];
}

export function createExecutionPhases(deps: ActivityDeps) {
  const opts = (input: PhaseActivityInput) => input.flowInput as unknown as ExecutionInput;

  async function waveOf(tx: Tx, input: PhaseActivityInput) {
    const planning = await latestArtifact<WavePlanArtifact>(tx, input.tenantId, flowRef(input, 'planningFlowId'), 'wave_planning');
    const wave = planning.plan.waves.find((w) => w.number === opts(input).wave);
    if (!wave) {
      throw ApplicationFailure.create({
        type: PhaseFailureType.invalidInput,
        message: `the plan has waves ${planning.plan.waves.map((w) => w.number).join(', ')}, not ${opts(input).wave}`,
        nonRetryable: true,
      });
    }
    return { planning, wave };
  }

  async function executionPreValidation(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const { wave } = await waveOf(tx, input);
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const apps = inv.applications.filter((a) => wave.applicationKeys.includes(a.key));
      const o = opts(input);
      const checklists = buildPreMigrationChecklists(apps, inv.assets, assessReadiness(inv.assets, inv.dependencies, o.asOf), {
        asOf: o.asOf,
        changeTickets: o.changeTickets,
        lastBackups: o.lastBackups,
        landingZones: o.landingZones,
      });
      const go = checklists.filter((c) => c.decision === 'go').map((c) => c.applicationKey);
      const noGo = checklists.filter((c) => c.decision === 'no_go').map((c) => c.applicationKey);
      const artifact: ChecklistArtifact = { wave: o.wave, planningFlowId: flowRef(input, 'planningFlowId'), checklists, go, noGo };
      return {
        summary: `Wave ${o.wave}: ${go.length} go, ${noGo.length} no-go of ${checklists.length} applications (no-go ones stay out of the runbook)`,
        data: artifact,
        approvalBlockers: go.length ? [] : [`no application of wave ${o.wave} passed its checklist`],
      };
    });
  }

  async function runbooksOf(tx: Tx, input: PhaseActivityInput): Promise<Runbook[]> {
    const checklist = await loadArtifact<ChecklistArtifact>(tx, input.tenantId, input.artifacts.pre_migration_validation, 'pre_migration_validation');
    const { planning } = await waveOf(tx, input);
    const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
    const strategyOf = new Map(planning.strategies.map((s) => [s.applicationKey, s.strategy]));
    return inv.applications
      .filter((a) => checklist.go.includes(a.key))
      .map((app) => generateRunbook(app, inv.assets, inv.dependencies, strategyOf.get(app.key) ?? 'rehost'));
  }

  async function executionPrepareRunbooks(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    const runbooks: { applicationKey: string; steps: { id: string; title: string; requiresConfirmation: boolean }[] }[] = [];
    // Stored under its own key: the phase's own artifact is the outcome the completion activity records.
    const stored = await runPhaseOnce(deps, { ...input, phase: `${input.phase}/runbooks` }, async (tx) => {
      const books = await runbooksOf(tx, input);
      return { summary: `${books.length} runbooks, ${books.reduce((n, b) => n + b.steps.length, 0)} steps`, data: { runbooks: books } };
    });
    const { runbooks: books } = await loadArtifact<{ runbooks: Runbook[] }>(deps.db, input.tenantId, stored.artifactId, 'runbooks');
    for (const book of books) {
      runbooks.push({ applicationKey: book.applicationKey, steps: book.steps.map((s) => ({ id: s.id, title: s.title, requiresConfirmation: s.requiresConfirmation })) });
    }
    return { ...stored, runbook: runbooks };
  }

  async function executionCompensate(input: RunbookActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, { ...input, phase: `${input.phase}/rollback/${input.applicationKey}` }, async (tx) => {
      const books = (await runbooksOf(tx, input)).filter((b) => b.applicationKey === input.applicationKey);
      const app = input.progress.applications.find((a) => a.applicationKey === input.applicationKey);
      const completed = app?.steps.filter((s) => s.status === 'done').map((s) => s.id) ?? [];
      const failed = app?.steps.find((s) => s.status === 'failed');
      const rollback = books.length ? compensationPlan(books[0], completed) : [];
      return {
        summary: `Rolled back ${input.applicationKey}: ${rollback.length} steps undone after '${failed?.id ?? 'unknown'}' failed${failed?.note ? ` (${failed.note})` : ''}`,
        data: { applicationKey: input.applicationKey, failedStep: failed ?? null, rollback },
      };
    });
  }

  async function executionRecordOutcome(input: RunbookActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async () => {
      const migrated = input.progress.applications.filter((a) => a.status === 'migrated').map((a) => a.applicationKey);
      const rolledBack = input.progress.applications.filter((a) => a.status === 'rolled_back').map((a) => a.applicationKey);
      const artifact: RunbookOutcomeArtifact = { wave: opts(input).wave, progress: input.progress, migrated, rolledBack };
      return {
        summary: `Wave ${artifact.wave}: ${migrated.length} applications migrated, ${rolledBack.length} rolled back`,
        data: artifact,
        outputs: { migrated: migrated.length, rolledBack: rolledBack.length },
      };
    });
  }

  async function executionPostValidation(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const outcome = await loadArtifact<RunbookOutcomeArtifact>(tx, input.tenantId, input.artifacts.migration_execution, 'migration_execution');
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const validations = outcome.progress.applications
        .filter((a) => a.status === 'migrated')
        .map((progress) => {
          const app = inv.applications.find((a) => a.key === progress.applicationKey)!;
          const smoke = progress.steps.find((s) => s.id === 'test-smoke');
          // What the operator confirmed is the observation: cut over and smoke-tested means reachable and healthy.
          const observations = app.assetKeys.map((assetKey) => {
            const asset = inv.assets.find((a) => a.key === assetKey);
            const target = asset ? rightsize(asset).target : null;
            return {
              assetKey,
              reachable: progress.steps.every((s) => s.status === 'done'),
              healthChecksPassed: smoke ? smoke.status === 'done' : null,
              cpuUtilPct: null,
              memoryUtilPct: null,
              targetVcpu: target?.vcpu ?? null,
              targetMemoryGb: target?.memoryGb ?? null,
            };
          });
          return validatePostMigration(app, inv.assets, observations);
        });
      const ready = validations.filter((v) => v.signOffReady).length;
      return {
        summary: `${ready} of ${validations.length} migrated applications ready for sign-off; ${outcome.rolledBack.length} rolled back`,
        data: { wave: outcome.wave, validations, rolledBack: outcome.rolledBack },
      };
    });
  }

  return { executionPreValidation, executionPrepareRunbooks, executionCompensate, executionRecordOutcome, executionPostValidation };
}
