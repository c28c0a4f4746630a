export { openSqliteStorage, type SqliteStorageOptions } from './open-sqlite-storage';
export { explainOpenFailure } from './open-failure';
export { SqliteFlowRepository, BotNotFoundError } from './flow-repository';
export { SqliteBotRepository } from './bot-repository';
export { SqliteConversationRepository, MAX_PAGE_SIZE } from './conversation-repository';
export { MIGRATIONS, applyMigrations, latestVersion, schemaVersion, SchemaTooNewError, type Migration } from './migrations';
export { ConversationNotFoundError, SqliteGuard, isOperationalFault } from './errors';
