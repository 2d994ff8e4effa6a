/** Entry point of the workflow bundle: one exported workflow function per flow type. */
export { discoveryFlow } from './discovery';
