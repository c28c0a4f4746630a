/**
 * POST /api/flows/{version|current}/blocks/{blockId}/detect: one utterance against a stored block,
 * answered by the server's configured detector, over real HTTP.
 */
import { FakeDetector } from '../support/fake-detector';
import { type OpenAiStubServer, reply } from '../support/openai-stub-server';
import { startOpenAiTestServer } from '../support/openai-test-server';
import { defaultFlow } from '../support/flows';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close(true));

/** The answer or the error, loosely: each test checks the fields it is about. */
interface Answer {
  intent: string;
  confidence: number;
  provider: string;
  ranking: Array<{ intent: string; score: number }>;
  code?: string;
  message?: string;
  errors?: unknown;
}

async function detect(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

describe('detect endpoint (local classifier)', () => {
  it('answers intent, confidence, provider and the ranking for the current version', async () => {
    const r = await detect('/api/flows/current/blocks/route/detect', { text: 'will it rain in Lisbon tomorrow?' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ intent: 'weather', confidence: expect.any(Number), provider: 'local', ranking: expect.any(Array) });
    const ids = defaultFlow().blocks.flatMap((b) => (b.type === 'intent' ? b.intents.map((i) => i.id) : []));
    expect(r.body.ranking.map((x) => x.intent).sort()).toEqual([...ids].sort());
    expect(r.body.ranking[0]).toEqual({ intent: 'weather', score: r.body.confidence });
    const scores = r.body.ranking.map((x) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
  });

  it('answers by version number too, and none for an off-topic text', async () => {
    const r = await detect('/api/flows/1/blocks/route/detect', { text: 'who painted the Mona Lisa' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('none');
    expect(r.body.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    ['/api/flows/99/blocks/route/detect', 'flow version 99 not found'],
    ['/api/flows/1/blocks/nope/detect', 'intent block "nope" in flow version 1 not found'],
    ['/api/flows/1/blocks/welcome/detect', 'intent block "welcome" in flow version 1 not found'],
  ])('404 for %s', async (path, message) => {
    const r = await detect(path, { text: 'hello' });
    expect(r).toEqual({ status: 404, body: { code: 'not_found', message } });
  });

  it('reads the text as a conversation would: controls removed, length counted as a person counts it', async () => {
    const long = await detect('/api/flows/1/blocks/route/detect', { text: '👍🏽'.repeat(2000) });
    expect(long.status).toBe(200);
    const controls = await detect('/api/flows/1/blocks/route/detect', { text: '\u0000will it\u202e rain tomorrow?' });
    const plain = await detect('/api/flows/1/blocks/route/detect', { text: 'will it rain tomorrow?' });
    expect(controls.body).toEqual(plain.body);
  });

  it('400 for a version that is neither a number nor current', async () => {
    const r = await detect('/api/flows/abc/blocks/route/detect', { text: 'hello' });
    expect(r).toEqual({
      status: 400,
      body: { code: 'invalid_parameter', message: 'version must be a whole number from 1 to 2147483647 or "current"' },
    });
  });

  it('400 for malformed JSON, 415 for a body that is not JSON', async () => {
    expect((await detect('/api/flows/1/blocks/route/detect', '{"text":')).status).toBe(400);
    const r = await detect('/api/flows/1/blocks/route/detect', 'text=hi', { 'Content-Type': 'text/plain' });
    expect(r.status).toBe(415);
  });

  it.each([
    ['an array', [1], '', 'the body must be a JSON object {"text": "..."}'],
    ['no text', {}, '/text', '"text" must be a string'],
    ['a number', { text: 42 }, '/text', '"text" must be a string'],
    ['blank text', { text: '   ' }, '/text', '"text" must not be empty'],
    ['2001 characters', { text: 'x'.repeat(2001) }, '/text', '"text" may have at most 2000 characters (MAX_MESSAGE_CHARS)'],
    [
      '2001 emoji (counted as a person counts them)',
      { text: '👍🏽'.repeat(2001) },
      '/text',
      '"text" may have at most 2000 characters (MAX_MESSAGE_CHARS)',
    ],
    ['an unknown property', { text: 'hi', extra: true }, '/extra', 'unknown property "extra"'],
  ])('422 for %s', async (_label, body, path, message) => {
    const r = await detect('/api/flows/1/blocks/route/detect', body);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_body');
    expect(r.body.message).toBe(message);
    expect(r.body.errors).toEqual([{ path, code: expect.any(String), message }]);
  });
});

describe('detect endpoint uses the configured detector', () => {
  it('asks the server detector with the block options and cache key, checking its answer', async () => {
    const fake = new FakeDetector();
    const other = await startTestServer({ detector: fake });
    try {
      const res = await fetch(`${other.url}/api/flows/current/blocks/route/detect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'travel please' }),
      });
      // The fake has no ranking: the answer lists its one choice with its confidence.
      expect(await res.json()).toEqual({ intent: 'travel', confidence: 1, provider: 'local', ranking: [{ intent: 'travel', score: 1 }] });
      expect(fake.calls).toHaveLength(1);
      expect(fake.calls[0]?.intents.map((i) => i.id)).toEqual(['weather', 'travel', 'restaurants', 'bye']);
      expect(fake.calls[0]?.cacheKey).toMatch(/^route:/);
    } finally {
      await other.close(true);
    }
  });
});

describe('detect endpoint with the OpenAI provider (stub server)', () => {
  let stub: OpenAiStubServer;
  let openai: TestServer;

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stub, server: openai, close } = await startOpenAiTestServer());
  });
  afterAll(() => close());

  const ask = async (text: string): Promise<unknown> => {
    const res = await fetch(`${openai.url}/api/flows/current/blocks/route/detect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    return res.json();
  };

  it("answers the model's choice, without a confidence it does not have", async () => {
    stub.handler = () => reply.intent('travel');
    // The local classifier would say "weather": the answer must come from the model.
    expect(await ask('will it rain tomorrow?')).toEqual({
      intent: 'travel',
      confidence: null,
      provider: 'openai',
      ranking: [{ intent: 'travel', score: null }],
    });
  });

  it('says when the local classifier answered instead', async () => {
    stub.handler = () => reply.error(500);
    expect(await ask('is it going to snow this weekend?')).toMatchObject({
      intent: 'weather',
      provider: 'local',
      confidence: expect.any(Number),
      fallbackReason: 'server_error',
    });
  });
});
