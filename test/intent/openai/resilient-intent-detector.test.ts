import pino from 'pino';
import type { IntentDetector, IntentRequest, IntentResult } from '../../../src/intent/detector';
import { OpenAiIntentDetector } from '../../../src/intent/openai/openai-intent-detector';
import type { Logger } from '../../../src/util/logger';
import {
  FallbackFailedError,
  ResilientIntentDetector,
  type ResilientIntentDetectorOptions,
} from '../../../src/intent/resilience/resilient-intent-detector';
import { OpenAiStubServer, closedPort, reply, type StubReply } from '../../support/openai-stub-server';
import { FakeClock, FakeFallback, intentRequest, recordingLogger, settlesWithin, type RecordingLogger } from './fakes';

describe('ResilientIntentDetector (real SDK, stub server)', () => {
  let stub: OpenAiStubServer;
  let logger: RecordingLogger;
  let fallback: FakeFallback;
  let clock: FakeClock;

  beforeEach(async () => {
    stub = await OpenAiStubServer.start();
    logger = recordingLogger();
    fallback = new FakeFallback({ intent: 'weather' });
    clock = new FakeClock();
  });
  afterEach(async () => {
    await stub.close();
  });

  function build(
    options: { timeoutMs?: number; maxRetries?: number; baseURL?: string } & Partial<ResilientIntentDetectorOptions> = {},
  ): ResilientIntentDetector {
    const timeoutMs = options.timeoutMs ?? 5000;
    const primary = new OpenAiIntentDetector({
      apiKey: 'test-key',
      baseURL: options.baseURL ?? stub.baseURL,
      model: 'gpt-4o-mini',
      timeoutMs,
      maxRetries: options.maxRetries ?? 0,
      retryBaseDelayMs: 10,
      logger,
    });
    return new ResilientIntentDetector({
      primary,
      fallback,
      timeoutMs,
      clock,
      logger,
      ...options,
    });
  }

  it('returns the primary answer when it works', async () => {
    stub.enqueue(reply.intent('travel'));
    await expect(build().detect(intentRequest('cheap flights'))).resolves.toEqual({ intent: 'travel', provider: 'openai' });
    expect(fallback.calls).toHaveLength(0);
  });

  it.each<[string, string, StubReply]>([
    ['a refusal', 'refusal', reply.refusal('no')],
    ['garbage', 'invalid_answer', reply.content('weather, I guess')],
    ['a length cut-off', 'truncated', reply.content('{"int', 'length')],
    ['a 500', 'server_error', reply.error(500)],
    ['a 429', 'rate_limited', reply.error(429)],
    ['a 401', 'config_error', reply.error(401)],
  ])('falls back on %s with fallbackReason %s', async (_, reason, answer) => {
    stub.enqueue(answer);
    const result = await build().detect(intentRequest('hello'));
    expect(result).toEqual({ intent: 'weather', provider: 'local', confidence: 0.42, fallbackReason: reason });
    expect(fallback.calls).toHaveLength(1);
  });

  it('falls back with connection_error when nothing listens', async () => {
    const port = await closedPort();
    const result = await build({ baseURL: `http://127.0.0.1:${port}/v1` }).detect(intentRequest('x'));
    expect(result).toMatchObject({ provider: 'local', fallbackReason: 'connection_error' });
  });

  it('gives the fallback the caller request (text, options, signal), not the deadline', async () => {
    stub.enqueue(reply.error(500));
    const controller = new AbortController();
    const request = intentRequest('hello', { signal: controller.signal });
    await build().detect(request);
    expect(fallback.calls[0]).toBe(request);
  });

  it('retries a 429 with retry-after within the deadline, then succeeds', async () => {
    stub.enqueue(reply.error(429, { 'retry-after': '1' }), reply.intent('restaurants'));
    const detector = build({ timeoutMs: 4000, maxRetries: 2 });
    const result = await settlesWithin(detector.detect(intentRequest('hungry')), 4000 + 2000);
    expect(result).toEqual({ intent: 'restaurants', provider: 'openai' });
    expect(stub.requests).toHaveLength(2);
  });

  it('retries 429s within the deadline, then falls back with rate_limited', async () => {
    stub.handler = () => reply.error(429, { 'retry-after-ms': '50' });
    const result = await build({ timeoutMs: 4000, maxRetries: 2 }).detect(intentRequest('x'));
    expect(result).toMatchObject({ provider: 'local', fallbackReason: 'rate_limited' });
    expect(stub.requests).toHaveLength(3);
  });

  it('holds the deadline against a server that never answers', async () => {
    stub.handler = () => reply.hang();
    const detector = build({ timeoutMs: 1000, maxRetries: 2 });
    const result = await settlesWithin(detector.detect(intentRequest('x')), 1000 + 3000);
    expect(result).toMatchObject({ intent: 'weather', provider: 'local', fallbackReason: 'timeout' });
    // The HTTP request was cut, not left to linger.
    await settlesWithin(stub.requests[0]?.whenAborted ?? Promise.reject(new Error('no request')), 2000);
  });

  it('holds the deadline even for a primary that ignores its signal', async () => {
    const stuck: IntentDetector & { model: string } = {
      name: 'openai',
      model: 'stuck',
      detect: () => new Promise<IntentResult>(() => undefined),
    };
    const detector = new ResilientIntentDetector({ primary: stuck, fallback, timeoutMs: 300 });
    const result = await settlesWithin(detector.detect(intentRequest('x')), 300 + 3000);
    expect(result).toMatchObject({ provider: 'local', fallbackReason: 'timeout' });
  });

  it('reports an unexpected primary error as unexpected_error, loudly', async () => {
    const broken: IntentDetector & { model: string } = {
      name: 'openai',
      model: 'broken',
      detect: () => Promise.reject(new TypeError('bug')),
    };
    const detector = new ResilientIntentDetector({ primary: broken, fallback, logger });
    await expect(detector.detect(intentRequest('x'))).resolves.toMatchObject({ fallbackReason: 'unexpected_error' });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('logs a 401 once across several calls, each answered by the fallback', async () => {
    stub.handler = () => reply.error(401, {}, 'Incorrect API key provided');
    const detector = build({ breaker: { failureThreshold: 100 } });
    for (let i = 0; i < 4; i += 1) {
      await expect(detector.detect(intentRequest(`message ${i}`))).resolves.toMatchObject({
        provider: 'local',
        fallbackReason: 'config_error',
      });
    }
    expect(stub.requests).toHaveLength(4);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('opens the breaker after N failures: no more requests until the cool-down, then a trial closes it', async () => {
    stub.handler = () => reply.error(500);
    const detector = build({ breaker: { failureThreshold: 3, cooldownMs: 30_000 } });

    for (let i = 0; i < 3; i += 1) {
      await expect(detector.detect(intentRequest(`m${i}`))).resolves.toMatchObject({ fallbackReason: 'server_error' });
    }
    expect(stub.requests).toHaveLength(3);
    expect(detector.status()).toMatchObject({ breaker: 'open', consecutiveFailures: 3 });
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ breaker: 'open' }), expect.any(String));

    for (let i = 0; i < 5; i += 1) {
      await expect(detector.detect(intentRequest(`open ${i}`))).resolves.toEqual({
        intent: 'weather',
        provider: 'local',
        confidence: 0.42,
        fallbackReason: 'circuit_open',
      });
    }
    expect(stub.requests).toHaveLength(3); // nothing reached the provider while open

    clock.advance(30_000);
    expect(detector.status().breaker).toBe('half-open');
    stub.handler = () => reply.intent('bye');
    await expect(detector.detect(intentRequest('goodbye'))).resolves.toEqual({ intent: 'bye', provider: 'openai' });
    expect(stub.requests).toHaveLength(4);
    expect(detector.status()).toMatchObject({ breaker: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens the breaker when the half-open trial fails', async () => {
    stub.handler = () => reply.error(503);
    const detector = build({ breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
    await detector.detect(intentRequest('a'));
    await detector.detect(intentRequest('b'));
    clock.advance(10_000);
    await expect(detector.detect(intentRequest('trial'))).resolves.toMatchObject({ fallbackReason: 'server_error' });
    expect(stub.requests).toHaveLength(3);
    expect(detector.status().breaker).toBe('open');
    await expect(detector.detect(intentRequest('c'))).resolves.toMatchObject({ fallbackReason: 'circuit_open' });
    expect(stub.requests).toHaveLength(3);
  });

  it('counts config errors as breaker failures', async () => {
    stub.handler = () => reply.error(401);
    const detector = build({ breaker: { failureThreshold: 2 } });
    await detector.detect(intentRequest('a'));
    await detector.detect(intentRequest('b'));
    await expect(detector.detect(intentRequest('c'))).resolves.toMatchObject({ fallbackReason: 'circuit_open' });
    expect(stub.requests).toHaveLength(2);
  });

  it('on a caller abort: cuts the request, rejects with an abort error, no fallback, no breaker failure', async () => {
    stub.handler = () => reply.hang();
    const detector = build({ timeoutMs: 10_000, breaker: { failureThreshold: 1 } });
    const controller = new AbortController();
    const pending = detector.detect(intentRequest('x', { signal: controller.signal }));
    await stub.waitForRequests(1);
    controller.abort();

    await expect(settlesWithin(pending, 2000)).rejects.toMatchObject({ name: 'AbortError' });
    await settlesWithin(stub.requests[0]?.whenAborted ?? Promise.reject(new Error('no request')), 2000);
    expect(fallback.calls).toHaveLength(0);
    expect(detector.status()).toMatchObject({ breaker: 'closed', consecutiveFailures: 0 });
  });

  it('rejects at once when the caller signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(build().detect(intentRequest('x', { signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(stub.requests).toHaveLength(0);
    expect(fallback.calls).toHaveLength(0);
  });

  it('caches the primary answer per block and normalised text', async () => {
    stub.handler = () => reply.intent('weather');
    const detector = build();
    await expect(detector.detect(intentRequest('Will it rain?'))).resolves.toEqual({ intent: 'weather', provider: 'openai' });
    await expect(detector.detect(intentRequest('  will it   RAIN? '))).resolves.toEqual({
      intent: 'weather',
      provider: 'openai',
    });
    expect(stub.requests).toHaveLength(1);
    expect(detector.status().cacheSize).toBe(1);

    await detector.detect(intentRequest('Will it rain?', { cacheKey: 'travel-assistant@1:other-block' }));
    expect(stub.requests).toHaveLength(2);
  });

  it('never caches fallback answers', async () => {
    stub.enqueue(reply.error(500), reply.intent('travel'));
    const detector = build();
    await expect(detector.detect(intentRequest('flights'))).resolves.toMatchObject({ provider: 'local' });
    expect(detector.status().cacheSize).toBe(0);
    await expect(detector.detect(intentRequest('flights'))).resolves.toEqual({ intent: 'travel', provider: 'openai' });
    expect(stub.requests).toHaveLength(2);
  });

  it('expires cached answers after the TTL', async () => {
    stub.handler = () => reply.intent('bye');
    const detector = build({ cache: { ttlMs: 60_000 } });
    await detector.detect(intentRequest('bye'));
    clock.advance(60_000);
    await detector.detect(intentRequest('bye'));
    expect(stub.requests).toHaveLength(2);
  });

  it('can run without a cache', async () => {
    stub.handler = () => reply.intent('bye');
    const detector = build({ cache: false });
    await detector.detect(intentRequest('bye'));
    await detector.detect(intentRequest('bye'));
    expect(stub.requests).toHaveLength(2);
  });

  it('rejects only when the fallback fails too', async () => {
    stub.enqueue(reply.error(500));
    fallback = new FakeFallback({ fail: true });
    const error: unknown = await build()
      .detect(intentRequest('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackFailedError);
    expect(error).toMatchObject({ primaryReason: 'server_error' });
  });

  it('reports its status for /health', async () => {
    stub.enqueue(reply.intent('travel'));
    const detector = build();
    expect(detector.name).toBe('openai');
    expect(detector.status()).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      breaker: 'closed',
      consecutiveFailures: 0,
      cacheSize: 0,
    });
    await detector.detect(intentRequest('trip'));
    expect(detector.status().cacheSize).toBe(1);
  });

  it('accepts a pino logger', () => {
    // Compile-time check that the logger interface is pino-compatible.
    const logger: Pick<Logger, 'warn' | 'error'> = pino({ enabled: false });
    const request: IntentRequest = intentRequest('x');
    expect(logger).toBeDefined();
    expect(request.text).toBe('x');
  });
});
