import pino from 'pino';
import { loadSettings } from '../../src/config/settings';
import { createIntentDetector } from '../../src/intent/create-detector';
import { OpenAiStubServer } from './openai-stub-server';
import { startTestServer, type TestServer } from './test-server';

/** A real server whose configured provider is OpenAI (the real SDK), pointed at a stub on 127.0.0.1. */
export async function startOpenAiTestServer(): Promise<{ stub: OpenAiStubServer; server: TestServer; close(): Promise<void> }> {
  const stub = await OpenAiStubServer.start();
  const settings = loadSettings({
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_MODEL: 'stub-model',
    INTENT_TIMEOUT_MS: '1500',
  });
  const server = await startTestServer({ intent: createIntentDetector(settings, pino({ level: 'silent' })) });
  return {
    stub,
    server,
    close: async () => {
      await server.close(true);
      await stub.close();
    },
  };
}
