import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from './app';
import type { AddressInfo } from 'node:net';
import { loadSettings, SettingsError } from './config/settings';
import { createIntentDetector } from './intent/create-detector';
import type { Storage } from './storage/repositories';
import { openStorage } from './storage/open-storage';
import { explainOpenFailure } from './storage/sqlite';
import { connectionBudget, openFileCount, openFileLimit } from './util/file-descriptors';

/** The bundled default flow: one level up from src/ and from dist/. */
export const DEFAULT_FLOW_PATH = join(__dirname, '..', 'flows', 'travel-assistant.json');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Runs the server (npm start / flowbot serve): settings from the environment, the storage they choose
 * (PostgreSQL at DATABASE_URL, else SQLite at DATABASE_PATH), the
 * configured intent detector; shuts down gracefully on SIGTERM and SIGINT. Resolves once it has stopped.
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settings = loadSettings(env);
  const logger = pino({ name: 'flowbot', level: settings.logLevel });
  let storage: Storage;
  try {
    storage = await openStorage(settings, logger);
  } catch (err) {
    // Reported like a bad setting: which variable, what is wrong, no stack trace (and never the URL: it may hold a password).
    if (settings.database.url !== undefined) {
      // The driver's own words (`connect ECONNREFUSED 127.0.0.1:5432`, `database "x" does not exist`) say it best.
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      throw new SettingsError([
        `DATABASE_URL: cannot open the PostgreSQL database: ${cause instanceof Error ? cause.message : String(cause)}`,
      ]);
    }
    throw new SettingsError([
      `DATABASE_PATH=${JSON.stringify(settings.databasePath)}: cannot open the database: ${explainOpenFailure(settings.databasePath, err)}`,
    ]);
  }
  const intent = createIntentDetector(settings, logger);
  // Measured once the database is open: its files count against the same limit.
  const fileLimit = openFileLimit();
  const maxSockets = connectionBudget(fileLimit, openFileCount());
  const app = await createApp({
    settings,
    storage,
    intent,
    logger,
    defaultFlowSource: readFileSync(DEFAULT_FLOW_PATH, 'utf8'),
    ...(maxSockets !== undefined ? { sockets: { max: maxSockets, openFileLimit: fileLimit ?? maxSockets } } : {}),
  });
  let address: AddressInfo;
  try {
    address = await app.listen(settings.port, settings.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    await storage.close();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    // Reported like a bad setting: which variables to change, no stack trace.
    throw new SettingsError([`HOST=${JSON.stringify(settings.host)} PORT=${settings.port}: cannot listen there (${code})`]);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.info(
    {
      url: `http://${host}:${address.port}`,
      websocket: `ws://${host}:${address.port}/ws`,
      storage: storage.kind,
      instance: settings.instanceId,
      ...(storage.kind === 'sqlite' ? { database: settings.databasePath } : {}),
      intent: intent.status().provider,
    },
    'flowbot is listening',
  );
  if (!settings.apiToken) {
    if (LOOPBACK.has(settings.host)) logger.info('API_TOKEN is not set: the REST API is open to anyone who can reach this host');
    else
      logger.warn(
        { host: settings.host },
        'API_TOKEN is not set and the server listens beyond loopback: anyone can upload flows and read conversations',
      );
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error('shutdown took more than 10 s; exiting');
        process.exit(1);
      }, 10000);
      force.unref();
      app
        .close()
        .then(() => storage.close())
        .catch((err: unknown) => logger.error({ err }, 'error during shutdown'))
        .finally(() => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          logger.info('stopped');
          resolve();
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
