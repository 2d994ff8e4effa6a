/** Registers the flow search attributes on a namespace that lacks them (an external cluster, Temporal Cloud is done by its admin). */
import { Connection } from '@temporalio/client';
import { FLOW_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

// Operator service enum values for IndexedValueType.
const KEYWORD = 2;

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = FLOW_SEARCH_ATTRIBUTES.map((k) => k.name).filter((name) => !(name in (existing.customAttributes ?? {})));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
  }
  return missing;
}
