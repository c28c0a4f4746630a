import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadSettings } from '../../src/config/settings';
import { openPostgresStorage } from '../../src/storage/postgres';
import type { ConfiguredDetector } from '../../src/intent/create-detector';
import type { IntentDetector } from '../../src/intent/detector';
import { LocalIntentClassifier } from '../../src/intent/local';
import type { Clock } from '../../src/util/clock';
import type { Storage } from '../../src/storage/repositories';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { forgetDescriptions } from './descriptions';
import { DEFAULT_FLOW_PATH } from './flows';
import type { HttpRequester } from '../../src/runtime/http-requester';

let sharedLocal: LocalIntentClassifier | undefined;
/** One loaded local classifier per test file: loading the English model takes ~150 ms. */
export function localClassifier(): LocalIntentClassifier {
  sharedLocal ??= new LocalIntentClassifier();
  return sharedLocal;
}

export interface TestServer {
  app: App;
  storage: Storage;
  url: string;
  wsUrl: string;
  dbPath: string;
  /** Closes the app and the storage; keeps the database file unless `removeDb`. */
  close(removeDb?: boolean): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  detector?: IntentDetector;
  intent?: ConfiguredDetector;
  /** Reuse a database file (e.g. to test a restart). */
  dbPath?: string;
  clock?: Clock;
  seedDefaultFlow?: boolean;
  /** Where the server logs (default: a silent pino). */
  logger?: pino.Logger;
  /** PostgreSQL instead of a temporary SQLite file (a database several test servers may share). */
  databaseUrl?: string;
  /** How http blocks call out (default: the guarded client). */
  httpRequester?: HttpRequester;
}

/** A real server on 127.0.0.1, port 0, with a temporary SQLite file. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'flowbot-test-'));
  const dbPath = options.dbPath ?? join(dir as string, 'flowbot.sqlite');
  const settings = loadSettings({ LOG_LEVEL: 'silent', DATABASE_PATH: dbPath, INSTANCE_ID: 'web-1', ...options.env });
  const logger = options.logger ?? pino({ level: settings.logLevel });
  const storage =
    options.databaseUrl === undefined
      ? openSqliteStorage({ path: dbPath, logger })
      : await openPostgresStorage({ url: options.databaseUrl, poolSize: 4, logger });
  const detector = options.detector ?? localClassifier();
  const intent = options.intent ?? { detector, status: () => ({ provider: 'local' as const }) };
  const app = await createApp({
    settings,
    storage,
    intent,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.httpRequester ? { httpRequester: options.httpRequester } : {}),
    ...(options.seedDefaultFlow === false ? {} : { defaultFlowSource: readFileSync(DEFAULT_FLOW_PATH, 'utf8') }),
  });
  const address = await app.listen(0, '127.0.0.1');
  return {
    app,
    storage,
    dbPath,
    url: `http://127.0.0.1:${address.port}`,
    wsUrl: `ws://127.0.0.1:${address.port}/ws`,
    close: async (removeDb = false) => {
      forgetDescriptions(`http://127.0.0.1:${address.port}`);
      await app.close();
      await storage.close();
      if (removeDb && dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
