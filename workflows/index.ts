/** Entry point of the workflow bundle: one exported workflow function per flow type, and the programme. */
export { discoveryFlow } from './discovery';
export { assessmentFlow } from './assessment';
export { planningFlow } from './planning';
export { executionFlow } from './execution';
export { modernizeFlow } from './modernize';
export { finopsFlow } from './finops';
export { observabilityFlow } from './observability';
export { decommissionFlow } from './decommission';
export { programmeFlow } from './programme';
