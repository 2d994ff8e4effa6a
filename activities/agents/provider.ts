/**
 * The agent seam. An agent is declared once (role prompt, zod output schema, and the offline rules engine that
 * answers when no LLM endpoint is configured); a provider runs it. The LLM provider plugs in here without any
 * phase activity changing.
 */
import type { z } from 'zod';

export interface AgentDefinition<TInput, TOutput> {
  name: string;
  /** The role prompt an LLM provider sends as the system message. */
  rolePrompt: string;
  outputSchema: z.ZodType<TOutput>;
  /** Deterministic analysis producing the same typed output: the offline rules provider's answer. */
  offline: (input: TInput, feedback: string[]) => TOutput;
}

export interface AgentRun<TInput> {
  tenantId: string;
  flowId: string;
  phase: string;
  input: TInput;
  /** Reject-with-feedback texts for this phase, oldest first. */
  feedback: string[];
}

export interface AgentResult<TOutput> {
  output: TOutput;
  /** Which engine answered, shown with every output so nobody mistakes rules for a model. */
  provider: string;
}

export interface AgentProvider {
  readonly name: string;
  run<TInput, TOutput>(agent: AgentDefinition<TInput, TOutput>, run: AgentRun<TInput>): Promise<AgentResult<TOutput>>;
}

export const OFFLINE_PROVIDER_NAME = 'offline-rules';

/** Answers every agent with its deterministic rules engine; outputs are validated like a model's would be. */
export class OfflineRulesProvider implements AgentProvider {
  readonly name = OFFLINE_PROVIDER_NAME;

  async run<TInput, TOutput>(agent: AgentDefinition<TInput, TOutput>, run: AgentRun<TInput>): Promise<AgentResult<TOutput>> {
    const output = agent.outputSchema.parse(agent.offline(run.input, run.feedback));
    return { output, provider: this.name };
  }
}
