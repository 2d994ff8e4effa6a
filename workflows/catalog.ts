/**
 * The flow catalog: which flow types exist, their phases in order, the activity that runs each phase, its human
 * gate, and which flows may follow. Plain data read by the phase engine (inside workflows) and by the gateway.
 */
import type { GateKind } from './vocabulary';

export const FLOW_TYPES = ['discovery', 'assessment', 'planning', 'execution', 'modernize', 'finops', 'observability', 'decommission'] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

export interface PhaseDefinition {
  /** Phase name as FLOWS.md spells it; also the key artifacts are stored under. */
  name: string;
  /** Activity type that runs the phase; every phase activity has the signature of `PhaseActivity`. */
  activity: string;
  title: string;
  gate: GateKind | null;
  /** What the gate asks the human, shown in the pending request. */
  gatePrompt?: string;
  /** Four eyes: the approver must not be the person who started the flow. */
  approverMustDiffer?: boolean;
  /**
   * A manual runbook: `activity` prepares the steps, an operator confirms each one (input), a failed step runs
   * `compensate` for that application only, and `complete` stores the outcome as the phase's artifact.
   */
  runbook?: { compensate: string; complete: string };
  /**
   * The agents (activities/agents) the phase consults, by name. Such a phase runs on the agent task queue, whose
   * rate limit is the provider's quota, and a pause aborts its in-flight model request.
   */
  agents?: string[];
}

export interface SuccessorDefinition {
  flowType: FlowType;
  /** The successor's input field that names this flow. */
  inputKey: string;
}

export interface FlowDefinition {
  type: FlowType;
  workflowType: string;
  title: string;
  description: string;
  phases: PhaseDefinition[];
  successors: SuccessorDefinition[];
}

const approval = (prompt: string) => ({ gate: 'approval' as const, gatePrompt: prompt });

export const FLOW_CATALOG: Record<FlowType, FlowDefinition> = {
  discovery: {
    type: 'discovery',
    workflowType: 'discoveryFlow',
    title: 'Discovery',
    description: 'From a raw inventory export to a trusted canonical inventory with a dependency graph.',
    phases: [
      { name: 'data_import', activity: 'discoveryDataImport', title: 'Stage the uploaded rows', gate: null },
      {
        name: 'data_validation',
        activity: 'discoveryDataValidation',
        agents: ['data-quality-explainer'],
        title: 'Profile columns and score data quality',
        gate: 'input_on_request',
        gatePrompt: 'Critical data-quality issues found: accept them ({"accept": true}) or exclude rows ({"excludeRows": [n, ...]}).',
      },
      {
        name: 'field_mapping',
        activity: 'discoveryFieldMapping',
        agents: ['field-mapping-resolver'],
        title: 'Map source columns to the canonical schema',
        ...approval('Approve the column mapping, or reject with feedback and optional changes {"column": "target"}.'),
      },
      { name: 'data_cleansing', activity: 'discoveryDataCleansing', title: 'Normalise values and merge duplicates', gate: null },
      { name: 'asset_inventory', activity: 'discoveryAssetInventory', title: 'Write the canonical inventory', gate: null },
      { name: 'dependency_analysis', activity: 'discoveryDependencyAnalysis', agents: ['move-group-namer'], title: 'Analyse the dependency graph', gate: null },
    ],
    successors: [
      { flowType: 'assessment', inputKey: 'discoveryFlowId' },
      { flowType: 'finops', inputKey: 'discoveryFlowId' },
      { flowType: 'observability', inputKey: 'discoveryFlowId' },
      { flowType: 'decommission', inputKey: 'discoveryFlowId' },
    ],
  },
  assessment: {
    type: 'assessment',
    workflowType: 'assessmentFlow',
    title: 'Assessment',
    description: 'Readiness, compliance, complexity, tech debt and risk per application, ending in a 7R strategy each.',
    phases: [
      { name: 'readiness_assessment', activity: 'assessmentReadiness', title: 'Readiness per asset', gate: null },
      { name: 'compliance_check', activity: 'assessmentCompliance', title: 'End-of-life and platform rules', gate: null },
      { name: 'complexity_analysis', activity: 'assessmentComplexity', title: 'Complexity score per application', gate: null },
      { name: 'tech_debt_assessment', activity: 'assessmentTechDebt', agents: ['tech-debt-advisor'], title: 'Tech-debt items and remediation', gate: null },
      { name: 'risk_assessment', activity: 'assessmentRisk', title: 'Likelihood × impact with mitigations', gate: null },
      {
        name: 'strategy_recommendation',
        activity: 'assessmentStrategy',
        agents: ['strategy-advisor'],
        title: 'A 7R strategy per application',
        ...approval('Accept the strategies, or reject with feedback and overrides {"<applicationKey>": "<strategy>"}.'),
      },
    ],
    successors: [
      { flowType: 'planning', inputKey: 'assessmentFlowId' },
      { flowType: 'modernize', inputKey: 'assessmentFlowId' },
    ],
  },
  planning: {
    type: 'planning',
    workflowType: 'planningFlow',
    title: 'Planning',
    description: 'Dependency-aware migration waves, team allocation, a dated timeline and cost estimate.',
    phases: [
      {
        name: 'wave_planning',
        activity: 'planningWaves',
        agents: ['wave-namer'],
        title: 'Dependency-aware waves',
        ...approval('Approve the wave plan, or reject with feedback and moves {"<applicationKey>": <wave>} (re-validated).'),
      },
      { name: 'resource_allocation', activity: 'planningResources', title: 'Team capacity per wave', gate: null },
      { name: 'timeline_generation', activity: 'planningTimeline', title: 'Dated schedule and critical path', gate: null },
      { name: 'cost_estimation', activity: 'planningCosts', title: 'One-time cost and run-rate per wave', gate: null },
    ],
    successors: [{ flowType: 'execution', inputKey: 'planningFlowId' }],
  },
  execution: {
    type: 'execution',
    workflowType: 'executionFlow',
    title: 'Execution',
    description: 'Run one wave: readiness checklist and go/no-go, a manual runbook per application, validation.',
    phases: [
      {
        name: 'pre_migration_validation',
        activity: 'executionPreValidation',
        title: 'Readiness checklist per application',
        ...approval('Go / no-go: approve to start the wave, reject with feedback to re-check.'),
      },
      {
        name: 'migration_execution',
        activity: 'executionPrepareRunbooks',
        title: 'Manual runbook per application',
        gate: null,
        runbook: { compensate: 'executionCompensate', complete: 'executionRecordOutcome' },
      },
      {
        name: 'post_migration_validation',
        activity: 'executionPostValidation',
        title: 'Smoke checks, performance and sign-off',
        ...approval('Sign off the wave.'),
      },
    ],
    successors: [],
  },
  modernize: {
    type: 'modernize',
    workflowType: 'modernizeFlow',
    title: 'Modernize',
    description: 'Modernisation opportunities, a reviewed target architecture and a backlog for refactor/replatform apps.',
    phases: [
      { name: 'modernization_assessment', activity: 'modernizeAssessment', title: 'Modernisation opportunities', gate: null },
      {
        name: 'architecture_redesign',
        activity: 'modernizeArchitecture',
        title: 'Target architecture per application',
        ...approval('Architecture review: approve, or reject with feedback.'),
      },
      { name: 'implementation_planning', activity: 'modernizeBacklog', title: 'Epics and backlog with estimates', gate: null },
    ],
    successors: [],
  },
  finops: {
    type: 'finops',
    workflowType: 'finopsFlow',
    title: 'FinOps',
    description: 'Current cost by application, environment and owner; rightsizing, idle and commitment savings; budget.',
    phases: [
      { name: 'cost_analysis', activity: 'finopsCostAnalysis', title: 'Current cost breakdown', gate: null },
      { name: 'optimization_identification', activity: 'finopsOptimisations', agents: ['optimisation-prioritiser'], title: 'Savings opportunities, prioritised', gate: null },
      { name: 'budget_planning', activity: 'finopsBudget', title: 'Forecast and budget', gate: null },
    ],
    successors: [],
  },
  observability: {
    type: 'observability',
    workflowType: 'observabilityFlow',
    title: 'Observability',
    description: 'SLIs/SLOs, logging and Prometheus alert rules for migrated applications.',
    phases: [
      { name: 'monitoring_setup', activity: 'observabilityMonitoring', title: 'SLIs and SLOs per application', gate: null },
      { name: 'logging_configuration', activity: 'observabilityLogging', title: 'Log streams and retention', gate: null },
      { name: 'alerting_setup', activity: 'observabilityAlerting', title: 'Prometheus alert rule groups', gate: null },
    ],
    successors: [],
  },
  decommission: {
    type: 'decommission',
    workflowType: 'decommissionFlow',
    title: 'Decommission',
    description: 'Prove nothing depends on the targets, archive their data, then shut them down after a four-eyes approval.',
    phases: [
      {
        name: 'decommission_planning',
        activity: 'decommissionPlanning',
        title: 'Dependency safety, risk and savings',
        ...approval('Approve the decommission plan (targets something live depends on are refused).'),
      },
      { name: 'data_migration', activity: 'decommissionDataMigration', title: 'Retention, archive and checksums', gate: null },
      {
        name: 'system_shutdown',
        activity: 'decommissionShutdown',
        title: 'Shutdown runbook, CMDB update, realised savings',
        gate: 'approval_before',
        gatePrompt: 'Point of no return: approve the shutdown (must be someone other than the requester), or reject to stop here.',
        approverMustDiffer: true,
      },
    ],
    successors: [],
  },
};

export function isFlowType(value: string): value is FlowType {
  return (FLOW_TYPES as readonly string[]).includes(value);
}

export function successorOf(from: FlowType, to: FlowType): SuccessorDefinition | null {
  return FLOW_CATALOG[from].successors.find((s) => s.flowType === to) ?? null;
}
