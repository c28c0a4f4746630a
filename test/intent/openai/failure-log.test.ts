import { loadSettings } from '../../../src/config/settings';
import { createIntentDetector } from '../../../src/intent/create-detector';
import { OpenAiIntentDetector } from '../../../src/intent/openai/openai-intent-detector';
import { ResilientIntentDetector } from '../../../src/intent/resilience/resilient-intent-detector';
import { OpenAiStubServer, closedPort, reply } from '../../support/openai-stub-server';
import { RecordingLogger } from '../../support/recording-logger';
import { startTestServer } from '../../support/test-server';
import { ChatClient } from '../../support/ws-client';
import { FakeClock, FakeFallback, intentRequest } from './fakes';

/**
 * A broken OpenAI address or key must be visible in the log from the first failed detection, and a
 * provider that keeps failing must not flood it: the first failure is logged at once, every breaker
 * change is logged, the rest are summarised once per window.
 */
describe('logging OpenAI failures', () => {
  it('logs the first failed detection of a server pointed at a dead address, once for several turns', async () => {
    const port = await closedPort();
    const logger = new RecordingLogger();
    const settings = loadSettings({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      OPENAI_MODEL: 'stub-model',
    });
    const intent = createIntentDetector(settings, logger);
    const server = await startTestServer({ intent });
    try {
      const client = await ChatClient.connect(server.wsUrl);
      await client.until('waiting');
      // Still answered (by the local classifier), and now no longer silently.
      expect((await client.ask('will it rain tomorrow?')).join(' ')).toMatch(/sunny/);
      await client.ask('any cheap flights?');
      await client.close();
    } finally {
      await server.close(true);
    }
    const failures = logger.at('warn').filter((line) => line.fields.reason === 'connection_error');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/OpenAI intent detection failed \(connection_error.*the local classifier answered instead/);
    expect(failures[0]?.fields).toMatchObject({ provider: 'openai', model: 'stub-model', breaker: 'closed' });
    // The second failure was counted, and the summary is written at shutdown.
    expect(logger.at('warn').at(-1)).toMatchObject({ fields: { fallbacks: 1, reasons: { connection_error: 1 } } });
    expect(JSON.stringify(logger.lines)).not.toContain('sk-test');
  });

  describe('with a stub that fails every request', () => {
    let stub: OpenAiStubServer;
    beforeEach(async () => {
      stub = await OpenAiStubServer.start();
      stub.handler = () => reply.error(500);
    });
    afterEach(async () => {
      await stub.close();
    });

    function build(logger: RecordingLogger, clock: FakeClock): ResilientIntentDetector {
      const primary = new OpenAiIntentDetector({ apiKey: 'k', baseURL: stub.baseURL, model: 'm', timeoutMs: 5000, maxRetries: 0 });
      return new ResilientIntentDetector({
        primary,
        fallback: new FakeFallback(),
        timeoutMs: 5000,
        clock,
        logger,
        cache: false,
        breaker: { failureThreshold: 5, cooldownMs: 30_000 },
        failureLogWindowMs: 60_000,
      });
    }

    it('logs a burst of 100 failed detections in a few lines, and summarises the rest with counts per reason', async () => {
      const logger = new RecordingLogger();
      const clock = new FakeClock();
      const detector = build(logger, clock);
      for (let i = 0; i < 100; i++) await detector.detect(intentRequest(`m${i}`));
      expect(stub.requests).toHaveLength(5);
      expect(logger.lines.map((l) => [l.level, l.fields.breaker, l.fields.reason ?? null])).toEqual([
        ['warn', 'closed', 'server_error'],
        ['warn', 'open', null],
      ]);

      // The cool-down passes: the breaker goes half-open, the trial fails, it opens again; the window
      // has passed too, so the 99 fallbacks counted so far are summarised before the next one is logged.
      clock.advance(60_000);
      await detector.detect(intentRequest('trial'));
      const lines = logger.lines.slice(2);
      expect(lines.map((l) => l.fields.breaker)).toEqual(['half-open', 'open', 'open', 'open']);
      expect(lines[2]).toMatchObject({
        level: 'warn',
        fields: { fallbacks: 99, reasons: { server_error: 4, circuit_open: 95 } },
        message: expect.stringMatching(
          /99 more time\(s\) the local classifier answered instead in the last 60 s \(server_error 4, circuit_open 95\)/,
        ),
      });
      expect(lines[3]).toMatchObject({ fields: { reason: 'server_error' } });
      detector.close();
      expect(logger.lines).toHaveLength(6);
    });

    it('logs the recovery when the breaker closes again', async () => {
      const logger = new RecordingLogger();
      const clock = new FakeClock();
      const detector = build(logger, clock);
      for (let i = 0; i < 5; i++) await detector.detect(intentRequest(`m${i}`));
      clock.advance(30_000);
      stub.handler = () => reply.intent('travel');
      await expect(detector.detect(intentRequest('flights'))).resolves.toMatchObject({ provider: 'openai', intent: 'travel' });
      expect(logger.lines.map((l) => l.fields.breaker)).toEqual(['closed', 'open', 'half-open', 'closed']);
      expect(logger.lines.at(-1)?.message).toMatch(/recovered: circuit closed/);
      detector.close();
    });
  });
});
