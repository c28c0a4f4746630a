/**
 * The real flowbot server, wired as src/main.ts wires it: settings from an environment, the real
 * createApp, openStorage on a temporary SQLite file (PostgreSQL at BENCH_DATABASE_URL), the configured (local) intent detector, history on,
 * logs silent. Only listening (port 0 on 127.0.0.1) and stopping (IPC instead of signals) differ.
 * With BENCH_OPENAI_URL it detects intents with OpenAI against the bench's stub at that base URL.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadSettings } from '../../src/config/settings';
import { createIntentDetector } from '../../src/intent/create-detector';
import { openStorage } from '../../src/storage/open-storage';
import { REPO_ROOT } from '../lib/paths';
import { reply, serveCommands } from './control';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowbot-bench-'));
  const settings = loadSettings({
    LOG_LEVEL: 'silent',
    DATABASE_PATH: join(dir, 'flowbot.sqlite'),
    ...(process.env.BENCH_OPENAI_URL
      ? { INTENT_PROVIDER: 'openai', OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: process.env.BENCH_OPENAI_URL, OPENAI_MODEL: 'bench-model' }
      : { INTENT_PROVIDER: 'local' }),
    // Load clients send as fast as the server answers; the per-user rate limit is not what is measured.
    WS_MESSAGES_PER_SECOND: '10000',
    WS_MESSAGE_BURST: '10000',
    PORT: '0',
    HOST: '127.0.0.1',
    // npm run bench -- --postgres: one of the instances sharing a PostgreSQL database.
    ...(process.env.BENCH_DATABASE_URL
      ? { DATABASE_URL: process.env.BENCH_DATABASE_URL, INSTANCE_ID: process.env.BENCH_INSTANCE_ID ?? 'bench' }
      : {}),
  });
  const logger = pino({ name: 'flowbot', level: settings.logLevel });
  const storage = await openStorage(settings, logger);
  // Attribution only (npm run bench -- --attribution): the same server with the per-turn write
  // skipped, to show how much of a turn the SQLite transaction costs. Never used for the figures.
  if (process.env.FLOWBOT_BENCH_SKIP_TURN_WRITES === '1') {
    storage.conversations.appendTurn = () => Promise.resolve();
  }
  const intent = createIntentDetector(settings, logger);
  const app = await createApp({
    settings,
    storage,
    intent,
    logger,
    defaultFlowSource: readFileSync(join(REPO_ROOT, 'flows', 'travel-assistant.json'), 'utf8'),
  });
  const address = await app.listen(settings.port, settings.host);
  serveCommands({
    stats: () => ({ connections: app.gateway.connections, liveConversations: app.chat.liveCount }),
    stop: async () => {
      await app.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
  reply({ type: 'ready', port: address.port, pid: process.pid });
}

main().catch((err: unknown) => {
  reply({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
