/**
 * The flow catalog: which flow types exist, their phases in order, the activity that runs each phase and its
 * human gate. Plain data read by the phase engine (inside workflows) and by the gateway (GET /flow-types).
 */
import type { GateKind } from './vocabulary';

export interface PhaseDefinition {
  /** Phase name as FLOWS.md spells it; also the key artifacts are stored under. */
  name: string;
  /** Activity type that runs the phase; every phase activity has the signature of `PhaseActivity`. */
  activity: string;
  title: string;
  gate: GateKind | null;
  /** What the gate asks the human, shown in the pending request. */
  gatePrompt?: string;
}

export interface FlowDefinition {
  type: FlowType;
  workflowType: string;
  title: string;
  description: string;
  phases: PhaseDefinition[];
}

export const FLOW_TYPES = ['discovery'] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

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
        title: 'Profile columns and score data quality',
        gate: 'input_on_request',
        gatePrompt: 'Critical data-quality issues found: accept them ({"accept": true}) or exclude rows ({"excludeRows": [n, ...]}).',
      },
      {
        name: 'field_mapping',
        activity: 'discoveryFieldMapping',
        title: 'Map source columns to the canonical schema',
        gate: 'approval',
        gatePrompt: 'Approve the column mapping, or reject with feedback and optional changes {"column": "target"}.',
      },
      { name: 'data_cleansing', activity: 'discoveryDataCleansing', title: 'Normalise values and merge duplicates', gate: null },
      { name: 'asset_inventory', activity: 'discoveryAssetInventory', title: 'Write the canonical inventory', gate: null },
      { name: 'dependency_analysis', activity: 'discoveryDependencyAnalysis', title: 'Analyse the dependency graph', gate: null },
    ],
  },
};

export function isFlowType(value: string): value is FlowType {
  return (FLOW_TYPES as readonly string[]).includes(value);
}
