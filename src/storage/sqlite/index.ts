export { openSqliteStorage, type SqliteStorageOptions } from './open-sqlite-storage';
export { explainOpenFailure } from './open-failure';
export { SqliteFlowRepository } from './flow-repository';
export { SqliteConversationRepository, MAX_PAGE_SIZE } from './conversation-repository';
export { MIGRATIONS, applyMigrations, latestVersion, schemaVersion, SchemaTooNewError, type Migration } from './migrations';
export { ConversationNotFoundError, SqliteGuard, isOperationalFault } from './errors';
