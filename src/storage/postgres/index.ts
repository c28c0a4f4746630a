export { openPostgresStorage, PostgresStorage, type PostgresStorageOptions } from './open-postgres-storage';
export { PG_MIGRATIONS, applyPgMigrations, latestPgVersion } from './migrations';
export { EVENTS_CHANNEL, PgStorageEvents } from './pg-events';
export { isPgOperationalFault } from './errors';
export { MAX_TURNS_PER_BATCH } from './turn-batcher';
