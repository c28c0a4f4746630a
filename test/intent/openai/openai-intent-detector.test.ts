import OpenAI from 'openai';
import { OpenAiIntentDetector, type OpenAiIntentDetectorOptions } from '../../../src/intent/openai/openai-intent-detector';
import * as prompt from '../../../src/intent/openai/prompt';
import { MAX_USER_TEXT_CHARS } from '../../../src/intent/openai/prompt';
import { startDeadline } from '../../../src/intent/resilience/deadline';
import { IntentFailure } from '../../../src/intent/resilience/intent-failure';
import { OpenAiStubServer, closedPort, reply } from '../../support/openai-stub-server';
import { intentRequest, recordingLogger, settlesWithin, type RecordingLogger } from './fakes';

interface SentBody {
  model: string;
  temperature: number;
  max_tokens: number;
  messages: Array<{ role: string; content: string }>;
  response_format: {
    type: string;
    json_schema: { name: string; strict: boolean; schema: { properties: { intent: { enum: string[] } } } };
  };
}

describe('OpenAiIntentDetector against an OpenAI-compatible stub', () => {
  let stub: OpenAiStubServer;
  let logger: RecordingLogger;

  beforeEach(async () => {
    stub = await OpenAiStubServer.start();
    logger = recordingLogger();
  });
  afterEach(async () => {
    await stub.close();
  });

  function detector(overrides: Partial<OpenAiIntentDetectorOptions> = {}): OpenAiIntentDetector {
    return new OpenAiIntentDetector({
      apiKey: 'test-key',
      baseURL: stub.baseURL,
      model: 'gpt-4o-mini',
      timeoutMs: 5000,
      maxRetries: 0,
      logger,
      ...overrides,
    } as OpenAiIntentDetectorOptions);
  }

  /** The failure reason `promise` rejects with. */
  async function failureOf(promise: Promise<unknown>): Promise<string> {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntentFailure);
    return (error as IntentFailure).reason;
  }

  it('sends a strict json_schema chat completion with the bearer key and the user text only in the user message', async () => {
    stub.enqueue(reply.intent('weather'));
    const text = `  Will it rain in Paris? ${'x'.repeat(2000)}  `;
    await detector().detect(intentRequest(text));

    expect(stub.requests).toHaveLength(1);
    const [sent] = stub.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer test-key');
    const body = sent?.body as SentBody;
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBeGreaterThan(0);
    expect(body.max_tokens).toBeLessThanOrEqual(100);
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.properties.intent.enum).toEqual(['weather', 'travel', 'restaurants', 'bye', 'none']);
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const [system, user] = body.messages;
    expect(system?.content).not.toContain('Will it rain in Paris');
    expect(user?.content.startsWith('Will it rain in Paris?')).toBe(true);
    expect(user?.content.length).toBeLessThanOrEqual(MAX_USER_TEXT_CHARS);
  });

  it("builds a block's prompt, enum and schema once, and sends every request of it the same way", async () => {
    const prepare = jest.spyOn(prompt, 'prepareChatRequest');
    try {
      stub.enqueue(reply.intent('weather'), reply.intent('travel'), reply.intent('bye'));
      const d = detector();
      const first = intentRequest('rain?');
      await d.detect(first);
      await d.detect(intentRequest('flights?'));
      // Another block (a new flow version brings new option arrays): its own parts.
      await d.detect(intentRequest('bye', { intents: [...first.intents] }));
      expect(prepare).toHaveBeenCalledTimes(2);
      const bodies = stub.requests.map((r) => r.body as SentBody);
      expect(bodies.map((b) => b.messages[1]?.content)).toEqual(['rain?', 'flights?', 'bye']);
      const expected = prompt.buildChatRequest({ text: 'rain?', intents: first.intents }, { model: 'gpt-4o-mini' });
      for (const body of bodies)
        expect({ ...body, messages: [body.messages[0]] }).toEqual({ ...expected, messages: [expected.messages[0]] });
    } finally {
      prepare.mockRestore();
    }
  });

  it.each(['weather', 'travel', 'restaurants', 'bye', 'none'])('routes an answer of %s', async (id) => {
    stub.enqueue(reply.intent(id));
    await expect(detector().detect(intentRequest('some text'))).resolves.toEqual({ intent: id, provider: 'openai' });
  });

  it('reads an id outside the options as none, and warns once', async () => {
    stub.enqueue(reply.intent('transfer_money'), reply.intent('delete_account'));
    const d = detector();
    await expect(d.detect(intentRequest('a'))).resolves.toEqual({ intent: 'none', provider: 'openai' });
    await expect(d.detect(intentRequest('b'))).resolves.toEqual({ intent: 'none', provider: 'openai' });
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('answers none for an empty message without calling the API', async () => {
    await expect(detector().detect(intentRequest('   \n '))).resolves.toEqual({ intent: 'none', provider: 'openai' });
    expect(stub.requests).toHaveLength(0);
  });

  it.each([
    ['a refusal', reply.refusal("I'm sorry, I can't help with that."), 'refusal'],
    ['garbage content', reply.content('I think the user wants the weather'), 'invalid_answer'],
    ['a length cut-off', reply.content('{"intent":"wea', 'length'), 'truncated'],
    ['an HTML 502 page', { kind: 'text', status: 502, body: '<html>Bad gateway</html>' } as const, 'server_error'],
    ['a 500', reply.error(500), 'server_error'],
    ['a 429', reply.error(429), 'rate_limited'],
    ['a 418', reply.error(418), 'http_error'],
  ])('fails on %s with its reason', async (_, answer, reason) => {
    stub.enqueue(answer);
    expect(await failureOf(detector().detect(intentRequest('hello')))).toBe(reason);
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a 500 and succeeds', async () => {
    stub.enqueue(reply.error(500), reply.intent('travel'));
    const result = await detector({ maxRetries: 2, retryBaseDelayMs: 10 }).detect(intentRequest('flights'));
    expect(result).toEqual({ intent: 'travel', provider: 'openai' });
    expect(stub.requests).toHaveLength(2);
  });

  it('does not retry answer-level failures (a refusal would be refused again)', async () => {
    stub.enqueue(reply.refusal('no'), reply.intent('travel'));
    expect(await failureOf(detector({ maxRetries: 2, retryBaseDelayMs: 10 }).detect(intentRequest('x')))).toBe('refusal');
    expect(stub.requests).toHaveLength(1);
  });

  it('honours retry-after on a 429, then succeeds', async () => {
    stub.enqueue(reply.error(429, { 'retry-after': '1' }), reply.intent('bye'));
    const result = await detector({ maxRetries: 2 }).detect(intentRequest('bye now'));
    expect(result).toEqual({ intent: 'bye', provider: 'openai' });
    expect(stub.requests).toHaveLength(2);
    const [first, second] = stub.requests;
    // It waited as told (timers may fire a millisecond or so early, hence 950, not 1000).
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up on 429s after maxRetries with rate_limited', async () => {
    stub.handler = () => reply.error(429, { 'retry-after-ms': '20' });
    expect(await failureOf(detector({ maxRetries: 2 }).detect(intentRequest('x')))).toBe('rate_limited');
    expect(stub.requests).toHaveLength(3);
  });

  it('fails at once with rate_limited when retry-after does not fit in the deadline', async () => {
    stub.handler = () => reply.error(429, { 'retry-after': '30' });
    const d = detector({ maxRetries: 2, timeoutMs: 3000 });
    // Well under the 3 s budget: it did not sit out a wait that could not help.
    expect(await settlesWithin(failureOf(d.detect(intentRequest('x'))), 2500)).toBe('rate_limited');
    expect(stub.requests).toHaveLength(1);
  });

  it('times out against a server that never answers, and cuts the request', async () => {
    stub.handler = () => reply.hang();
    const d = detector({ timeoutMs: 500, maxRetries: 2 });
    expect(await settlesWithin(failureOf(d.detect(intentRequest('x'))), 4000)).toBe('timeout');
    await settlesWithin(stub.requests[0]?.whenAborted ?? Promise.reject(new Error('no request')), 2000);
  });

  it("keeps to the caller's deadline when it is not longer than its own: a timeout, the request cut", async () => {
    stub.handler = () => reply.hang();
    const deadline = startDeadline(300);
    const d = detector({ timeoutMs: 10_000, maxRetries: 2 });
    try {
      // Its own deadline would have waited 10 s; the caller's one fires first and reads as a timeout
      // (not as the caller going away, although the signal it was given is that deadline's).
      const request = intentRequest('x', { signal: deadline.signal });
      expect(await settlesWithin(failureOf(d.detect({ ...request, deadline })), 4000)).toBe('timeout');
      await settlesWithin(stub.requests[0]?.whenAborted ?? Promise.reject(new Error('no request')), 2000);
      expect(stub.requests).toHaveLength(1);
    } finally {
      deadline.dispose();
    }
  });

  it('reports connection_error when nothing listens', async () => {
    const port = await closedPort();
    const d = detector({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1, retryBaseDelayMs: 10 });
    expect(await failureOf(d.detect(intentRequest('x')))).toBe('connection_error');
  });

  it('treats a 401 as a config error, logged loudly once across calls, never retried', async () => {
    stub.handler = () => reply.error(401, {}, 'Incorrect API key provided');
    const d = detector({ maxRetries: 2 });
    for (let i = 0; i < 3; i += 1) {
      expect(await failureOf(d.detect(intentRequest(`try ${i}`)))).toBe('config_error');
    }
    expect(stub.requests).toHaveLength(3);
    expect(logger.error).toHaveBeenCalledTimes(1);
    const [context, message] = logger.error.mock.calls[0] ?? [];
    expect(context).toMatchObject({ status: 401, model: 'gpt-4o-mini' });
    expect(message).toMatch(/misconfigured/);
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('test-key');
  });

  it.each([400, 403, 404])('treats a %i as a config error', async (status) => {
    stub.enqueue(reply.error(status));
    expect(await failureOf(detector().detect(intentRequest('x')))).toBe('config_error');
  });

  it('rejects with an abort error and cuts the request when the caller aborts', async () => {
    stub.handler = () => reply.hang();
    const controller = new AbortController();
    const pending = detector({ timeoutMs: 10_000 }).detect(intentRequest('x', { signal: controller.signal }));
    await stub.waitForRequests(1);
    controller.abort();
    await expect(settlesWithin(pending, 2000)).rejects.toMatchObject({ name: 'AbortError' });
    await settlesWithin(stub.requests[0]?.whenAborted ?? Promise.reject(new Error('no request')), 2000);
  });

  it('does not even call the API when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(detector().detect(intentRequest('x', { signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('overrides the retries and timeout of an injected client', async () => {
    const client = new OpenAI({ apiKey: 'injected-key', baseURL: stub.baseURL, maxRetries: 5 });
    stub.handler = () => reply.error(500);
    const d = new OpenAiIntentDetector({ client, model: 'm', timeoutMs: 5000, maxRetries: 0 });
    expect(await failureOf(d.detect(intentRequest('x')))).toBe('server_error');
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.headers.authorization).toBe('Bearer injected-key');
  });
});
