/**
 * A programme runs the whole journey as child workflows: Discovery → Assessment → Planning → Execution for every
 * wave. Each child is an ordinary flow (same ids, gates and controls), so the Web UI shows one tree and users
 * approve each child's gates as usual. Cancelling the programme cancels the running child.
 */
import * as wf from '@temporalio/workflow';
import { FLOW_CATALOG, type FlowType } from './catalog';
import type { FlowOptions, FlowStartInput, FlowState } from './messages';
import { FlowStatusKey } from './search-attributes';
import { startedAtRevision } from './engine-revision';
import { flowStartOptions, flowWorkflowId } from './start-options';

export interface ProgrammeInput {
  tenantId: string;
  requestedBy: string;
  importId: string;
  options: FlowOptions;
  /** Validated, defaulted inputs of the later flows, minus the links the programme fills in. */
  assessment: Record<string, unknown>;
  planning: Record<string, unknown>;
  execution: Record<string, unknown>;
}

export interface ProgrammeState {
  programmeId: string;
  tenantId: string;
  status: 'running' | 'completed' | 'stopped' | 'cancelled';
  stage: FlowType | null;
  children: { flowType: FlowType; flowId: string; status: string; wave: number | null }[];
  stoppedReason: string | null;
}

export const programmeStateQuery = wf.defineQuery<ProgrammeState>('programmeState');

export async function programmeFlow(input: ProgrammeInput): Promise<ProgrammeState> {
  const state: ProgrammeState = {
    programmeId: wf.workflowInfo().workflowId,
    tenantId: input.tenantId,
    status: 'running',
    stage: null,
    children: [],
    stoppedReason: null,
  };
  wf.setHandler(programmeStateQuery, () => state);

  async function runChild(flowType: FlowType, flowInput: Record<string, unknown>, wave: number | null = null): Promise<FlowState | null> {
    const start: FlowStartInput = { tenantId: input.tenantId, flowType, requestedBy: input.requestedBy, input: flowInput, options: { ...input.options, chain: null } };
    const flowId = flowWorkflowId(input.tenantId, flowType, wf.uuid4());
    const child = { flowType, flowId, status: 'running', wave };
    state.stage = flowType;
    state.children.push(child);
    wf.setCurrentDetails(`Stage: ${flowType}${wave ? ` wave ${wave}` : ''} — child ${flowId}`);
    const result = await wf.executeChild<(s: FlowStartInput) => Promise<FlowState>>(FLOW_CATALOG[flowType].workflowType, {
      workflowId: flowId,
      args: [start],
      cancellationType: wf.ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
      ...flowStartOptions(start, startedAtRevision()),
    });
    child.status = result.status;
    if (result.status !== 'completed') {
      state.status = 'stopped';
      state.stoppedReason = `${flowType} flow ${flowId} ended ${result.status}`;
      return null;
    }
    return result;
  }

  try {
    const discovery = await runChild('discovery', { importId: input.importId });
    const inventoryFlowId = discovery?.flowId;
    const assessment = discovery && (await runChild('assessment', { ...input.assessment, discoveryFlowId: inventoryFlowId, inventoryFlowId }));
    const planning = assessment && (await runChild('planning', { ...input.planning, assessmentFlowId: assessment.flowId, inventoryFlowId }));
    if (planning) {
      const waves = Number(planning.outputs.waveCount ?? 0);
      for (let wave = 1; wave <= waves && state.status === 'running'; wave++) {
        await runChild('execution', { ...input.execution, planningFlowId: planning.flowId, wave, inventoryFlowId }, wave);
      }
    }
    if (state.status === 'running') state.status = 'completed';
  } catch (err) {
    if (!wf.isCancellation(err)) throw err;
    state.status = 'cancelled';
  }
  state.stage = null;
  wf.upsertSearchAttributes([{ key: FlowStatusKey, value: state.status === 'completed' ? 'completed' : 'cancelled' }]);
  return state;
}
