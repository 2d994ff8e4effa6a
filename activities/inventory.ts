/**
 * Read access for flows after Discovery: the canonical inventory a Discovery flow wrote, and the latest artifact
 * of another flow's phase. Every query is scoped to the tenant.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../db';
import { applications, assets, dependencies, phaseArtifacts } from '../db/schema';
import { PhaseFailureType, type PhaseActivityInput } from '../workflows/messages';
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency } from './analysis/model';
import type { Tx } from './artifacts';

export interface Inventory {
  assets: CanonicalAsset[];
  applications: CanonicalApplication[];
  dependencies: CanonicalDependency[];
}

function invalidInput(message: string): never {
  throw ApplicationFailure.create({ type: PhaseFailureType.invalidInput, message, nonRetryable: true });
}

/** The id of the Discovery flow whose inventory this flow works on (the gateway and chaining always set it). */
export function inventoryFlowId(input: PhaseActivityInput): string {
  const id = input.flowInput.inventoryFlowId ?? (input.flowType === 'discovery' ? input.flowId : undefined);
  if (typeof id !== 'string') invalidInput(`${input.flowType} input needs inventoryFlowId`);
  return id;
}

export function flowRef(input: PhaseActivityInput, key: string): string {
  const id = input.flowInput[key];
  if (typeof id !== 'string') invalidInput(`${input.flowType} input needs ${key}`);
  return id;
}

export async function loadInventory(db: Database | Tx, tenantId: string, discoveryFlowId: string): Promise<Inventory> {
  // Sequential on purpose: inside a transaction the queries share one connection.
  const assetRows = await db
    .select({ attributes: assets.attributes })
    .from(assets)
    .where(and(eq(assets.tenantId, tenantId), eq(assets.flowId, discoveryFlowId)))
    .orderBy(asc(assets.key));
  const appRows = await db
    .select({ attributes: applications.attributes })
    .from(applications)
    .where(and(eq(applications.tenantId, tenantId), eq(applications.flowId, discoveryFlowId)))
    .orderBy(asc(applications.key));
  const depRows = await db
    .select()
    .from(dependencies)
    .where(and(eq(dependencies.tenantId, tenantId), eq(dependencies.flowId, discoveryFlowId)))
    .orderBy(asc(dependencies.fromKey), asc(dependencies.toKey), asc(dependencies.port));
  if (!assetRows.length) invalidInput(`discovery flow ${discoveryFlowId} has no inventory for tenant ${tenantId}`);
  return {
    assets: assetRows.map((r) => r.attributes as CanonicalAsset),
    applications: appRows.map((r) => r.attributes as CanonicalApplication),
    dependencies: depRows.map((d) => ({
      fromKey: d.fromKey,
      toKey: d.toKey,
      type: d.type as CanonicalDependency['type'],
      port: d.port === 0 ? null : d.port,
      protocol: d.protocol,
      confidence: d.confidence,
      source: d.source,
    })),
  };
}

/** The latest stored artifact of a phase of another flow (its final, approved run). */
export async function latestArtifact<T>(db: Database | Tx, tenantId: string, flowId: string, phase: string): Promise<T> {
  const [row] = await db
    .select({ data: phaseArtifacts.data })
    .from(phaseArtifacts)
    .where(and(eq(phaseArtifacts.tenantId, tenantId), eq(phaseArtifacts.flowId, flowId), eq(phaseArtifacts.phase, phase)))
    .orderBy(desc(phaseArtifacts.run))
    .limit(1);
  if (!row) {
    throw ApplicationFailure.create({
      type: PhaseFailureType.missingArtifact,
      message: `flow ${flowId} has no ${phase} artifact`,
      nonRetryable: true,
    });
  }
  return row.data as T;
}
