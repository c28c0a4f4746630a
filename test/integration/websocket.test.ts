import { checkedFetch } from '../support/http-client';
import WebSocket from 'ws';
import { ChatClient } from '../support/ws-client';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { defaultFlow } from '../support/flows';

const json = { 'Content-Type': 'application/json' };

async function upload(server: TestServer, flow: unknown): Promise<number> {
  const res = await checkedFetch(`${server.url}/api/flows`, { method: 'POST', headers: json, body: JSON.stringify(flow) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { version: number }).version;
}

/** The buttons of the default flow's first question, as the waiting frame carries them. */
const ASK_CHOICES = [
  { label: 'Weather forecast', value: 'forecast' },
  { label: 'Travel offers', value: 'offers' },
  { label: 'Restaurant tips', value: 'tips' },
];

describe('WebSocket chat with the local classifier', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close(true));

  it('holds a whole conversation through the default flow and stores it in order', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    const hello = await client.next('conversation');
    expect(hello).toEqual({ type: 'conversation', conversationId: expect.any(String), flowVersion: 1, resumed: false });
    expect(await client.next('message')).toEqual({
      type: 'message',
      text: 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?',
      blockId: 'welcome',
    });
    expect(await client.next('waiting')).toEqual({ type: 'waiting', blockId: 'ask', choices: ASK_CHOICES });
    expect(await client.ask('is it going to snow this weekend?')).toEqual([
      'It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
    ]);
    expect(await client.ask('blorp')).toEqual(['Sorry, I did not get "blorp". I can help with the weather, travel offers or restaurants.']);
    expect(await client.ask('book me a plane ticket to Lisbon')).toEqual([
      "This week's offer: Lisbon, 3 nights from 199 EUR. Anything else?",
    ]);
    client.say('thanks, bye');
    expect(await client.next('message')).toMatchObject({ text: 'Happy to help. Bye!', blockId: 'goodbye' });
    expect(await client.next('end')).toEqual({ type: 'end', blockId: 'goodbye' });
    expect((await client.closed).code).toBe(1000);

    const res = await checkedFetch(`${server.url}/api/conversations/${String(hello.conversationId)}`);
    expect(res.status).toBe(200);
    const history = (await res.json()) as {
      status: string;
      flowVersion: number;
      variables: Record<string, string>;
      messages: Array<{ from: string; text: string; blockId: string; at: string }>;
      steps: Array<{ from: string | null; to: string; event: string; intent?: string; provider?: string }>;
    };
    expect(history).toMatchObject({ status: 'completed', flowVersion: 1, variables: { request: 'thanks, bye', intent: 'bye' } });
    expect(history.messages.map((m) => [m.from, m.blockId])).toEqual([
      ['bot', 'welcome'],
      ['user', 'ask'],
      ['bot', 'weather'],
      ['user', 'ask'],
      ['bot', 'clarify'],
      ['user', 'ask'],
      ['bot', 'travel'],
      ['user', 'ask'],
      ['bot', 'goodbye'],
    ]);
    expect(history.messages[1]!.text).toBe('is it going to snow this weekend?');
    expect(history.steps.slice(0, 4)).toEqual([
      { from: null, to: 'welcome', event: 'start', at: expect.any(String) },
      { from: 'welcome', to: 'ask', event: 'next', at: expect.any(String) },
      { from: 'ask', to: 'route', event: 'user.message', at: expect.any(String) },
      {
        from: 'route',
        to: 'weather',
        event: 'intent.matched',
        intent: 'weather',
        provider: 'local',
        latencyMs: expect.any(Number),
        confidence: expect.any(Number),
        runnerUp: expect.any(String),
        runnerUpScore: expect.any(Number),
        at: expect.any(String),
      },
    ]);
    expect(history.steps.at(-1)).toMatchObject({ from: 'route', to: 'goodbye', event: 'intent.matched', intent: 'bye' });
  });

  it('pins a conversation to the flow version current when it started', async () => {
    const before = await ChatClient.connect(server.wsUrl);
    await before.until('waiting');
    const flow = defaultFlow();
    (flow.blocks[4] as { text: string }).text = 'Version two weather: rain.';
    const version = await upload(server, flow);
    const after = await ChatClient.connect(server.wsUrl);
    expect(await after.next('conversation')).toMatchObject({ flowVersion: version });
    await after.until('waiting');
    expect(await before.ask('weather forecast please')).toEqual([
      'It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
    ]);
    expect(await after.ask('weather forecast please')).toEqual(['Version two weather: rain.']);
    // Rollback: new conversations use version 1 again.
    expect((await checkedFetch(`${server.url}/api/flows/1/activate`, { method: 'POST' })).status).toBe(200);
    const rolledBack = await ChatClient.connect(server.wsUrl);
    expect(await rolledBack.next('conversation')).toMatchObject({ flowVersion: 1 });
    await Promise.all([before.close(), after.close(), rolledBack.close()]);
  });

  it('answers bad frames with an error frame and keeps the connection usable', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    const bad = [
      'not json',
      '[1,2]',
      '{"type":"hello"}',
      '{"type":"message"}',
      '{"type":"message","text":42}',
      '{"type":"message","text":"   "}',
      JSON.stringify({ type: 'message', text: 'x'.repeat(2001) }),
    ];
    for (const data of bad) {
      client.sendInvalid(data);
      expect(await client.next('error')).toMatchObject({ type: 'error', code: 'invalid_message', message: expect.any(String) });
    }
    client.sendInvalid(Buffer.from([1, 2, 3]));
    expect(await client.next('error')).toMatchObject({ code: 'invalid_message' });
    expect(await client.ask('weather please')).toHaveLength(1);
    await client.close();
  });

  it('closes with 1009 on a frame over 64 KiB', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    client.sendInvalid('x'.repeat(65 * 1024));
    expect((await client.closed).code).toBe(1009);
  });

  it('refuses an upgrade on any path but /ws', async () => {
    await expect(ChatClient.connect(server.wsUrl.replace('/ws', '/chat'))).rejects.toThrow('404');
  });

  it('refuses unknown and ended conversations with an error frame and a close', async () => {
    const unknown = await ChatClient.connect(`${server.wsUrl}?conversationId=does-not-exist`);
    expect(await unknown.next('error')).toMatchObject({ code: 'unknown_conversation' });
    expect((await unknown.closed).code).toBe(4404);

    const done = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await done.next('conversation');
    await done.until('waiting');
    await done.ask('goodbye');
    await done.closed;
    const again = await ChatClient.connect(`${server.wsUrl}?conversationId=${String(conversationId)}`);
    expect(await again.next('error')).toMatchObject({ code: 'conversation_ended' });
    expect((await again.closed).code).toBe(4410);
  });

  it('resumes after a dropped connection; a second connection replaces the first', async () => {
    const first = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await first.next('conversation');
    await first.until('waiting');
    await first.ask('hmm?');
    const second = await ChatClient.connect(`${server.wsUrl}?conversationId=${String(conversationId)}`);
    expect(await second.next('conversation')).toEqual({ type: 'conversation', conversationId, flowVersion: 1, resumed: true });
    expect(await second.next('waiting')).toEqual({ type: 'waiting', blockId: 'ask', choices: ASK_CHOICES });
    expect(await first.next('error')).toMatchObject({ code: 'replaced' });
    expect((await first.closed).code).toBe(4409);
    await second.close();

    const third = await ChatClient.connect(`${server.wsUrl}?conversationId=${String(conversationId)}`);
    expect(await third.next('conversation')).toMatchObject({ resumed: true });
    expect(await third.next('waiting')).toEqual({ type: 'waiting', blockId: 'ask', choices: ASK_CHOICES });
    // The no-match count survived the reconnects: two more no-matches reach the handover.
    await third.ask('huh');
    expect(await third.ask('meh')).toEqual(['I am not getting it, sorry. Let me hand you over to a human. Bye!']);
    expect((await third.closed).code).toBe(1000);
  });
});

describe('WebSocket chat with a slow detector', () => {
  it('queues messages sent while the bot is busy and answers them in order', async () => {
    const detector = new FakeDetector();
    const server = await startTestServer({ detector });
    try {
      const client = await ChatClient.connect(server.wsUrl);
      await client.until('waiting');
      detector.hold();
      client.say('weather');
      client.say('travel');
      client.say('restaurants');
      await new Promise((r) => setTimeout(r, 50));
      expect(client.frames.filter((f) => f.type === 'message')).toHaveLength(1);
      for (let i = 0; i < 3; i++) {
        detector.release();
        detector.hold();
        await client.until('waiting');
      }
      const blocks = client.frames.filter((f) => f.type === 'message').map((f) => f.blockId);
      expect(blocks).toEqual(['welcome', 'weather', 'travel', 'food']);
      await client.close();
    } finally {
      detector.release();
      await server.close(true);
    }
  });

  it('resumes after a server restart on the same database file', async () => {
    const first = await startTestServer({ detector: new FakeDetector() });
    const client = await ChatClient.connect(first.wsUrl);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    expect(await client.ask('travel')).toHaveLength(1);
    await first.close();
    expect((await client.closed).code).toBe(1001);

    const second = await startTestServer({ detector: new FakeDetector(), dbPath: first.dbPath });
    try {
      const resumed = await ChatClient.connect(`${second.wsUrl}?conversationId=${String(conversationId)}`);
      expect(await resumed.next('conversation')).toMatchObject({ conversationId, resumed: true, flowVersion: 1 });
      expect(await resumed.next('waiting')).toEqual({ type: 'waiting', blockId: 'ask', choices: ASK_CHOICES });
      expect(await resumed.ask('weather')).toEqual(['It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?']);
      await resumed.close();
      const history = (await (await checkedFetch(`${second.url}/api/conversations/${String(conversationId)}`)).json()) as {
        messages: unknown[];
      };
      expect(history.messages).toHaveLength(5);
    } finally {
      await second.close(true);
    }
  });

  it('drops peers that stop answering pings', async () => {
    const server = await startTestServer({ detector: new FakeDetector(), env: { HEARTBEAT_MS: '1000' } });
    try {
      const ws = new WebSocket(server.wsUrl, { autoPong: false });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      expect(await closed).toBe(1006); // terminated: no closing handshake for a dead peer
      for (let i = 0; i < 50 && server.app.gateway.connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(server.app.gateway.connections).toBe(0);
    } finally {
      await server.close(true);
    }
  });
});

describe('plain HTTP upgrade edge cases', () => {
  it('answers a non-WebSocket request to /ws with an error, not a hang', async () => {
    const server = await startTestServer({ detector: new FakeDetector() });
    try {
      expect((await checkedFetch(`${server.url}/ws`)).status).toBe(404);
    } finally {
      await server.close(true);
    }
  });
});
