export { openSqliteStorage, type SqliteStorageOptions } from './open-sqlite-storage';
export { SqliteFlowRepository } from './flow-repository';
export { SqliteConversationRepository, MAX_PAGE_SIZE } from './conversation-repository';
export { MIGRATIONS, applyMigrations, schemaVersion, SchemaTooNewError, type Migration } from './migrations';
export { ConversationNotFoundError, isOperationalFault, type FaultLogger } from './errors';
