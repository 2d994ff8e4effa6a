/** Builds an agent run from a phase activity's input: who is asking, what humans said, and chaos options. */
import type { PhaseActivityInput } from '../../workflows/messages';
import type { ActivityDeps } from '../deps';
import type { AgentRun } from './provider';

export function agentRun<TInput>(deps: ActivityDeps, phase: PhaseActivityInput, input: TInput, examples: string[] = []): AgentRun<TInput> {
  return {
    tenantId: phase.tenantId,
    flowId: phase.flowId,
    phase: phase.phase,
    run: phase.run,
    input,
    feedback: phase.feedback.map((f) => f.text),
    examples,
    deferModelCalls: phase.deferModelCalls === true,
    crashAfterCall:
      deps.faultInjection && phase.faults.some((f) => f.kind === 'crash_after_llm_call' && f.phase === phase.phase && phase.run <= f.failRuns),
  };
}
