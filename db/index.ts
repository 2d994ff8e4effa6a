export * as schema from './schema';
export { openDatabase, migrateDatabase, type Database, type DatabaseHandle } from './connection';
