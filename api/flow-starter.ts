/**
 * Turns a start request into a FlowStartInput: validates the flow's own input, checks that the flow it builds on
 * exists for this tenant and has completed, links the inventory it works on, and validates a chained successor.
 * Nothing is started unless all of that holds.
 */
import { and, eq, sql } from 'drizzle-orm';
import createHttpError from 'http-errors';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db';
import { imports } from '../db/schema';
import { FLOW_CATALOG, FLOW_TYPES, successorOf, type FlowType } from '../workflows/catalog';
import type { FlowOptions, FlowStartInput, FlowState } from '../workflows/messages';
import type { VisibilityUpdates } from '../workflows/vocabulary';
import type { FlowService } from './flow-service';
import { requestDigest, type FlowStartKeys } from './idempotency';
import { badRequest } from './problems';
import { flowInputSchemas, type StartFlowRequest } from './schemas';
import { parse } from './validate';

/** The flow a flow type builds on, and the input field naming it (from the catalog's successor lists). */
export function predecessorOf(flowType: FlowType): { flowType: FlowType; inputKey: string } | null {
  for (const from of FLOW_TYPES) {
    const link = FLOW_CATALOG[from].successors.find((s) => s.flowType === flowType);
    if (link) return { flowType: from, inputKey: link.inputKey };
  }
  return null;
}

/** Imports one gateway remembers having seen; about 100 bytes each. */
const KNOWN_IMPORTS_MAX = 10_000;

export class FlowStarter {
  /** Built once (see ActiveKeys): every Discovery start checks its import. */
  private readonly tenantImport;
  /**
   * Imports found before, by tenant and id. An import is never changed or deleted once written, so having found it
   * stays true and a repeated Discovery start skips the database. A miss is not remembered: the import may be
   * uploaded through another gateway a moment later.
   */
  private readonly knownImports = new LRUCache<string, true>({ max: KNOWN_IMPORTS_MAX });

  constructor(
    private readonly flows: FlowService,
    db: Database,
    private readonly startKeys: FlowStartKeys,
    private readonly faultInjection: boolean,
    private readonly visibilityUpdates: VisibilityUpdates,
  ) {
    this.tenantImport = db
      .select({ id: imports.id })
      .from(imports)
      .where(and(eq(imports.tenantId, sql.placeholder('tenantId')), eq(imports.id, sql.placeholder('importId'))))
      .prepare('tenant_import');
  }

  /** Everything needed to start the flow, validated; used directly by schedules, which start flows later. */
  async prepare(tenantId: string, actor: string, request: StartFlowRequest): Promise<FlowStartInput> {
    const input = await this.resolveInput(tenantId, request.flowType, request.input, 'body.input');
    const options: FlowOptions = {
      ...request.options,
      visibilityUpdates: request.options.visibilityUpdates ?? this.visibilityUpdates,
      chain: this.resolveChain(request),
    };
    if (options.faults.length && !this.faultInjection) {
      throw badRequest([{ field: 'body.options.faults', rule: 'disabled', message: 'fault injection is disabled (MFO_FAULT_INJECTION)' }]);
    }
    return { tenantId, flowType: request.flowType, requestedBy: actor, input, options };
  }

  /** Starts the flow; with an Idempotency-Key, at most once per key (see FlowStartKeys.start). */
  async start(tenantId: string, actor: string, request: StartFlowRequest, key?: string): Promise<{ flowId: string; runId: string; replayed: boolean }> {
    const { workflowId, runId, replayed } = await this.startKeys.start(tenantId, key, actor, {
      // The request as sent, before the flow's input defaults are applied: a retry tomorrow of a start whose input
      // defaults to today's date is still the same request.
      digest: () => requestDigest(request),
      prepare: () => this.prepare(tenantId, actor, request),
      newWorkflowId: () => this.flows.newFlowId(tenantId, request.flowType),
      existingRun: (flowId) => this.flows.existingRun(tenantId, flowId),
      start: async (start, flowId, keyed) => (await this.flows.start(start, flowId, keyed)).runId,
    });
    return { flowId: workflowId, runId, replayed };
  }

  private async resolveInput(tenantId: string, flowType: FlowType, raw: unknown, where: string): Promise<Record<string, unknown>> {
    const input = parse(flowInputSchemas[flowType], raw, where);
    if (flowType === 'discovery') {
      await this.requireImport(tenantId, String(input.importId), `${where}.importId`);
      return input;
    }
    const predecessor = predecessorOf(flowType)!;
    const field = `${where}.${predecessor.inputKey}`;
    const id = String(input[predecessor.inputKey]);
    let state: FlowState;
    try {
      state = await this.flows.state(tenantId, id);
    } catch (err) {
      // Only a missing flow is the caller's mistake; a flow that cannot be read right now (503) stays a 503.
      if (createHttpError.isHttpError(err) && err.status === 404) throw badRequest([{ field, rule: 'exists', message: `flow ${id} does not exist` }]);
      throw err;
    }
    if (state.flowType !== predecessor.flowType) {
      throw badRequest([{ field, rule: 'flow_type', message: `flow ${id} is a ${state.flowType} flow, not ${predecessor.flowType}` }]);
    }
    if (state.status !== 'completed') {
      throw badRequest([{ field, rule: 'completed', message: `flow ${id} is ${state.status}; it must be completed first` }]);
    }
    if (flowType === 'execution') {
      const waves = Number(state.outputs.waveCount ?? 0);
      if (Number(input.wave) > waves) throw badRequest([{ field: `${where}.wave`, rule: 'range', message: `the plan has ${waves} waves` }]);
    }
    const inventoryFlowId = state.flowType === 'discovery' ? state.flowId : state.input.inventoryFlowId;
    return { ...input, inventoryFlowId };
  }

  private async requireImport(tenantId: string, importId: string, field: string): Promise<void> {
    const key = `${tenantId}/${importId}`;
    if (this.knownImports.has(key)) return;
    const [found] = await this.tenantImport.execute({ tenantId, importId });
    if (!found) throw badRequest([{ field, rule: 'exists', message: `import ${importId} does not exist` }]);
    this.knownImports.set(key, true);
  }

  /** A chained successor's input is validated now, with the link to this flow filled in when it completes. */
  private resolveChain(request: StartFlowRequest): FlowOptions['chain'] {
    const chain = request.options.chain;
    if (!chain) return null;
    const link = successorOf(request.flowType, chain.flowType);
    if (!link) {
      const allowed = FLOW_CATALOG[request.flowType].successors.map((s) => s.flowType).join(', ') || 'none';
      throw badRequest([{ field: 'body.options.chain.flowType', rule: 'successor', message: `a ${request.flowType} flow can be followed by: ${allowed}` }]);
    }
    const { [link.inputKey]: _placeholder, ...input } = parse(flowInputSchemas[chain.flowType], { ...chain.input, [link.inputKey]: 'set-on-completion' }, 'body.options.chain.input');
    return { flowType: chain.flowType, input };
  }
}
