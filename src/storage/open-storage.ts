import type { Settings } from '../config/settings';
import type { Logger } from '../util/logger';
import type { Storage } from './repositories';
import { openPostgresStorage } from './postgres';
import { openSqliteStorage } from './sqlite';

/**
 * The storage the settings choose: PostgreSQL when DATABASE_URL is set (any number of instances may
 * share it), else SQLite at DATABASE_PATH (one process). Async, as connecting to a server is.
 */
export async function openStorage(
  settings: Pick<Settings, 'databasePath' | 'database' | 'instanceId'>,
  logger?: Pick<Logger, 'warn' | 'info'>,
): Promise<Storage> {
  const { url, poolSize, statementTimeoutMs } = settings.database;
  if (url === undefined) return openSqliteStorage({ path: settings.databasePath, ...(logger ? { logger } : {}) });
  return openPostgresStorage({
    url,
    poolSize,
    statementTimeoutMs,
    applicationName: `flowbot ${settings.instanceId}`,
    instanceId: settings.instanceId,
    ...(logger ? { logger } : {}),
  });
}
