export * as schema from './schema';
export { openDatabase, type Database, type DatabaseHandle } from './connection';
export { olderThan } from './age';
