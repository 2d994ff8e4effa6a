/**
 * The agent seam. An agent is declared once: a role prompt, a brief (what the model is told about this run), typed
 * tools over the tenant's data, a zod output schema, and the offline rules engine that gives the same typed answer
 * when no LLM endpoint is configured. A provider runs it; phase activities never know which one.
 */
import type { z } from 'zod';
import type { Database } from '../../db';

/** What a tool may touch: the tenant's own data, and the agent's input for this run. */
export interface AgentToolContext<TInput> {
  db: Database;
  tenantId: string;
  input: TInput;
}

export interface AgentTool<TInput, TArgs = any> {
  name: string;
  description: string;
  parameters: z.ZodType<TArgs>;
  run(args: TArgs, context: AgentToolContext<TInput>): Promise<unknown>;
}

export interface AgentDefinition<TInput, TOutput> {
  name: string;
  /** The role prompt an LLM provider sends as the system message. */
  rolePrompt: string;
  /** The run's facts for the model, kept small: large data is reached through the tools. */
  brief: (input: TInput) => unknown;
  tools: AgentTool<TInput>[];
  outputSchema: z.ZodType<TOutput>;
  /** Deterministic analysis producing the same typed output: the offline rules provider's answer. */
  offline: (input: TInput, guidance: AgentGuidance) => TOutput;
}

/** What humans told this phase or this tenant before, handed to whichever provider answers. */
export interface AgentGuidance {
  /** Reject-with-feedback texts for this phase, oldest first. */
  feedback: string[];
  /** The tenant's past reviewer decisions on the same question (e.g. 7R overrides), as worked examples. */
  examples: string[];
}

export interface AgentRun<TInput> extends AgentGuidance {
  tenantId: string;
  flowId: string;
  phase: string;
  run: number;
  input: TInput;
  /** Stop with `ModelCallDeferred` instead of sending a model request (see PhaseActivityInput.deferModelCalls). */
  deferModelCalls?: boolean;
  /** Chaos tests only: kill the worker right after a model answer is recorded (see FaultInjection). */
  crashAfterCall?: boolean;
}

export interface AgentResult<TOutput> {
  output: TOutput;
  /** Which engine answered (`offline-rules` or `llm:<model>`), shown with every output so nobody mistakes rules for a model. */
  provider: string;
}

export interface AgentProvider {
  readonly name: string;
  run<TInput, TOutput>(agent: AgentDefinition<TInput, TOutput>, run: AgentRun<TInput>): Promise<AgentResult<TOutput>>;
}

export const OFFLINE_PROVIDER_NAME = 'offline-rules';

/** Raised by a provider told to defer model calls when answering would take one; the phase catches it. */
export class ModelCallDeferredError extends Error {
  constructor(readonly agent: string) {
    super(`agent ${agent} needs a model request: deferred to the agent queue`);
    this.name = 'ModelCallDeferredError';
  }
}

/** Answers every agent with its deterministic rules engine; outputs are validated like a model's would be. */
export class OfflineRulesProvider implements AgentProvider {
  readonly name = OFFLINE_PROVIDER_NAME;

  async run<TInput, TOutput>(agent: AgentDefinition<TInput, TOutput>, run: AgentRun<TInput>): Promise<AgentResult<TOutput>> {
    const output = agent.outputSchema.parse(agent.offline(run.input, { feedback: run.feedback, examples: run.examples }));
    return { output, provider: this.name };
  }
}
