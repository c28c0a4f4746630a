import { checkedFetch } from '../support/http-client';
import { rawExchange } from '../support/raw-http';
import WebSocket from 'ws';
import { ChatClient } from '../support/ws-client';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { defaultFlow } from '../support/flows';
import { IDLE_MS, idleSilenceRace, idleSweepRace } from '../support/idle-sweep-race';
import { ManualClock } from '../support/manual-clock';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('rate limit per connection', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector(), env: { WS_MESSAGES_PER_SECOND: '1', WS_MESSAGE_BURST: '3' } });
  });
  afterAll(() => server.close(true));

  it('answers messages over the limit with rate_limited error frames, without disconnecting', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    for (let i = 0; i < 8; i++) client.say('weather');
    // Every message gets an answer: a weather reply or a rate_limited error (the refill may let one
    // more through on a slow machine).
    const answered = (): number => client.frames.filter((f) => f.blockId === 'weather' || f.code === 'rate_limited').length;
    for (let i = 0; i < 100 && answered() < 8; i++) await sleep(50);
    const limited = client.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    const weather = client.frames.filter((f) => f.blockId === 'weather');
    expect(limited.length + weather.length).toBe(8);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(weather.length).toBeGreaterThanOrEqual(3);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await sleep(1100); // the bucket refills
    client.skipReceived();
    expect(await client.ask('travel')).toEqual(["This week's offer: Lisbon, 3 nights from 199 EUR. Anything else?"]);
    await client.close();
  });
});

describe('connection limit', () => {
  it('refuses upgrades beyond MAX_CONNECTIONS with 503 and accepts again when one closes', async () => {
    const server = await startTestServer({ detector: new FakeDetector(), env: { MAX_CONNECTIONS: '2' } });
    try {
      const a = await ChatClient.connect(server.wsUrl);
      const b = await ChatClient.connect(server.wsUrl);
      await expect(ChatClient.connect(server.wsUrl)).rejects.toThrow('503');
      await a.close();
      for (let i = 0; i < 50 && server.app.gateway.connections >= 2; i++) await sleep(10);
      const c = await ChatClient.connect(server.wsUrl);
      expect(await c.next('conversation')).toMatchObject({ type: 'conversation' });
      await Promise.all([b.close(), c.close()]);
    } finally {
      await server.close(true);
    }
  });
});

describe('idle expiry', () => {
  it('expires idle conversations, live or not, as abandoned and refuses to resume them', async () => {
    const server = await startTestServer({ detector: new FakeDetector(), env: { IDLE_TIMEOUT_MS: '2000' } });
    try {
      const live = await ChatClient.connect(server.wsUrl);
      const liveId = String((await live.next('conversation')).conversationId);
      await live.until('waiting');
      const gone = await ChatClient.connect(server.wsUrl);
      const goneId = String((await gone.next('conversation')).conversationId);
      await gone.until('waiting');
      await gone.close();

      // Two seconds of idleness, checked every 500 ms: generous margins for a loaded CI machine.
      expect(await live.next('error', 10000)).toMatchObject({ code: 'conversation_expired' });
      expect((await live.closed).code).toBe(4408);
      for (const id of [liveId, goneId]) {
        // The second conversation started a little later, so a later sweep may expire it: poll.
        let record: { status: string; messages: unknown[] } = { status: '', messages: [] };
        for (let i = 0; i < 100; i++) {
          record = (await (await checkedFetch(`${server.url}/api/conversations/${id}`)).json()) as typeof record;
          if (record.status !== 'active') break;
          await sleep(100);
        }
        expect(record.status).toBe('abandoned');
        expect(record.messages).toHaveLength(1); // kept, not deleted
      }
      const resume = await ChatClient.connect(`${server.wsUrl}?conversationId=${goneId}`);
      expect(await resume.next('error')).toMatchObject({ code: 'conversation_ended', message: expect.stringContaining('expired') });
    } finally {
      await server.close(true);
    }
  });
});

describe('idle expiry by the sweep of another instance', () => {
  it('closes a socket whose conversation was marked abandoned as its own sweep would, unless it was not idle', async () => {
    const clock = new ManualClock();
    const detector = new FakeDetector();
    const server = await startTestServer({ detector, clock, env: { IDLE_TIMEOUT_MS: String(IDLE_MS) } });
    try {
      // The sweep that Storage.exclusive lets run on one instance for all: here, on this storage directly.
      await idleSweepRace(server, detector, [clock], () =>
        server.storage.conversations.abandonIdle(new Date(clock.now().getTime() - IDLE_MS).toISOString()),
      );
    } finally {
      await server.close(true);
    }
  });

  it('refuses the turn of a silence that came due after the conversation was idle past the timeout', async () => {
    const clock = new ManualClock();
    const server = await startTestServer({ detector: new FakeDetector(), clock, env: { IDLE_TIMEOUT_MS: String(IDLE_MS) } });
    try {
      await idleSilenceRace(server, [clock], () =>
        server.storage.conversations.abandonIdle(new Date(clock.now().getTime() - IDLE_MS).toISOString()),
      );
    } finally {
      await server.close(true);
    }
  });
});

describe('flow limits and hostile input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      detector: new FakeDetector(),
      env: { MAX_FLOW_BLOCKS: String(defaultFlow().blocks.length), CORS_ORIGINS: 'https://editor.example' },
    });
  });
  afterAll(() => server.close(true));

  const post = (path: string, body: string): Promise<Response> =>
    checkedFetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  it('rejects a flow with more blocks than MAX_FLOW_BLOCKS', async () => {
    const flow = defaultFlow();
    flow.blocks.push({ id: 'extra', type: 'end' });
    const res = await post('/api/flows', JSON.stringify(flow));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ path: '/blocks', code: 'too_many_blocks' }] });
  });

  it('applies MAX_INTENTS_PER_BLOCK and MAX_TEXT_CHARS below the schema limits', async () => {
    const strict = await startTestServer({
      detector: new FakeDetector(),
      seedDefaultFlow: false,
      env: { MAX_INTENTS_PER_BLOCK: '3', MAX_TEXT_CHARS: '80' },
    });
    try {
      const res = await checkedFetch(`${strict.url}/api/flows`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(defaultFlow()),
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: Array<{ path: string; code: string }> }).errors.map((e) => [e.path, e.code])).toEqual([
        ['/blocks/0/text', 'text_too_long'],
        ['/blocks/2/intents', 'too_many_intents'],
        ['/blocks/3/text', 'text_too_long'],
      ]);
    } finally {
      await strict.close(true);
    }
  });

  it('treats __proto__ and constructor keys as unknown properties, and pollutes nothing', async () => {
    const source = JSON.stringify(defaultFlow()).replace(
      '"name":',
      '"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},"name":',
    );
    const res = await post('/api/flows/validate', source);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Array<{ path: string; code: string }> };
    expect(body.errors.map((e) => [e.path, e.code])).toEqual([
      ['/__proto__', 'unknown_property'],
      ['/constructor', 'unknown_property'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).bad).toBeUndefined();
  });

  it('answers deeply nested JSON, huge numbers and invalid percent-encoding with 4xx', async () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    expect([400, 422]).toContain((await post('/api/flows', deep)).status);
    const huge = JSON.stringify(defaultFlow()).replace('"maxNoMatch":3', '"maxNoMatch":1e400');
    const res = await post('/api/flows', huge);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ path: '/blocks/2/maxNoMatch' }] });
    const bad = await checkedFetch(`${server.url}/api/flows/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_url' });
    expect((await checkedFetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers a request that is not valid HTTP in the error shape', async () => {
    const answer = await rawExchange(server.url, 'POST /api/flows HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', {
      method: 'POST',
      target: '/api/flows',
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ code: 'bad_request', message: 'the request is not valid HTTP' });
  });

  it('sends CORS headers only to configured origins, and answers preflight', async () => {
    const allowed = await checkedFetch(`${server.url}/api/flows`, { headers: { Origin: 'https://editor.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://editor.example');
    const other = await checkedFetch(`${server.url}/api/flows`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await checkedFetch(`${server.url}/api/flows`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://editor.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('ignores __proto__ in a WebSocket frame and keeps chatting', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    client.send('{"type":"message","text":"weather","__proto__":{"polluted":true}}');
    expect(await client.until('waiting')).toContainEqual(expect.objectContaining({ type: 'message', blockId: 'weather' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await client.close();
  });
});
