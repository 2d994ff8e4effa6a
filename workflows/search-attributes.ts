/** Custom search attributes: registered on the namespace at start-up, upserted by the engine, filtered by the gateway. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TenantIdKey = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const FlowTypeKey = defineSearchAttributeKey('FlowType', SearchAttributeType.KEYWORD);
export const FlowStatusKey = defineSearchAttributeKey('FlowStatus', SearchAttributeType.KEYWORD);
export const CurrentPhaseKey = defineSearchAttributeKey('CurrentPhase', SearchAttributeType.KEYWORD);

export const FLOW_SEARCH_ATTRIBUTES = [TenantIdKey, FlowTypeKey, FlowStatusKey, CurrentPhaseKey];
