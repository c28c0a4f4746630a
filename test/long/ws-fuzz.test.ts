import fc from 'fast-check';
import { rawRequest } from '../support/raw-http';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';
import { WsRecorder } from '../support/ws-recorder';

/**
 * WebSocket fuzz against a live server: several connections send random and hostile frames. Bad but
 * legal frames must each get one `error` frame and leave the connection open; oversized frames close
 * with 1009, invalid UTF-8 with 1007; the server stays up and a normal conversation works afterwards.
 */

const MAX_PAYLOAD = 64 * 1024;
const ECHO_PREFIX = 'you said: ';
/** A flow that echoes every message: exactly one bot message per accepted frame, easy to account for. */
const ECHO_FLOW = {
  name: 'Echo',
  start: 'hello',
  blocks: [
    { id: 'hello', type: 'message', text: 'echo ready', next: 'ask' },
    { id: 'ask', type: 'wait', saveAs: 'said', next: 'echo' },
    { id: 'echo', type: 'message', text: `${ECHO_PREFIX}{{said}}`, next: 'ask' },
  ],
};

const counts = {
  connections: 0,
  framesSent: 0,
  accepted: 0,
  rejected: 0,
  errorFrames: 0,
  echoes: 0,
  closed1009: 0,
  closed1007: 0,
  dropped: 0,
};

/**
 * The README's rule for a text frame, written from the README rather than from the code: a JSON
 * object with type "message" and a string text of 1-2000 characters after trimming.
 */
function accepted(data: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const frame = value as { type?: unknown; text?: unknown };
  if (frame.type !== 'message' || typeof frame.text !== 'string') return undefined;
  const text = frame.text.trim();
  return text.length >= 1 && text.length <= 2000 ? text : undefined;
}

const textArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }),
  fc.string({ maxLength: 20 }).map((s) => `\u0000\u0007\u001b[31m${s}\r\n\t\u2028\u202e`),
  fc.constantFrom(
    '{{said}}',
    '{{constructor}}',
    '<script>alert(1)</script>',
    'x'.repeat(2000),
    ` ${'y'.repeat(2000)} `,
    'z'.repeat(2001),
    '   ',
    '',
  ),
);

type Outgoing = { data: string | Buffer; binary: boolean };

const frameArb: fc.Arbitrary<Outgoing> = fc.oneof(
  // Well-formed messages with odd text.
  { weight: 4, arbitrary: textArb.map((text) => ({ data: JSON.stringify({ type: 'message', text }), binary: false })) },
  // Extra and prototype keys.
  {
    weight: 2,
    arbitrary: fc.tuple(textArb, fc.constantFrom('__proto__', 'constructor', 'prototype', 'type')).map(([text, key]) => ({
      data: `{"type":"message","text":${JSON.stringify(text)},"${key}":{"type":"evil","polluted":true}}`,
      binary: false,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('{"__proto__":{"type":"message","text":"hidden"}}', '{"constructor":{"prototype":{"polluted":1}},"type":"message"}')
      .map((data) => ({ data, binary: false })),
  },
  // Wrong types and shapes.
  {
    weight: 3,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ data: JSON.stringify(v) ?? 'null', binary: false })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ type: fc.oneof(fc.constant('message'), fc.jsonValue()), text: fc.jsonValue() }, { requiredKeys: [] })
      .map((v) => ({ data: JSON.stringify(v), binary: false })),
  },
  // Broken JSON: truncations and junk.
  {
    weight: 2,
    arbitrary: fc.tuple(textArb, fc.nat()).map(([text, cut]) => {
      const s = JSON.stringify({ type: 'message', text });
      return { data: s.slice(0, cut % s.length), binary: false };
    }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ data: s, binary: false })) },
  // Binary frames, whatever their content.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => ({ data: Buffer.from(b), binary: true })) },
  { weight: 1, arbitrary: fc.constant({ data: Buffer.from(JSON.stringify({ type: 'message', text: 'binary but valid' })), binary: true }) },
  // Big but under the limit: valid padding, or a text that is far too long.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1000, max: MAX_PAYLOAD - 200 })
      .map((n) => ({ data: `{"type":"message","text":"padded"${' '.repeat(n)}}`, binary: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 3000, max: MAX_PAYLOAD - 200 })
      .map((n) => ({ data: JSON.stringify({ type: 'message', text: 'w'.repeat(n) }), binary: false })),
  },
);

let server: TestServer;
let echoVersion: number;

beforeAll(async () => {
  // The fuzzers send as fast as they can: lift the per-connection rate limit (tested in limits.test.ts).
  server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: '10000', WS_MESSAGE_BURST: '10000' } });
  const res = await rawRequest(server.url, {
    method: 'POST',
    path: '/api/flows',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ECHO_FLOW),
  });
  expect(res.status).toBe(201);
  echoVersion = (JSON.parse(res.text) as { version: number }).version;
});

afterAll(async () => {
  await server.close(true);
  console.log(`ws-fuzz: ${JSON.stringify(counts)}`);
});

interface ConversationHistory {
  messages: Array<{ from: string; text: string }>;
}

async function history(id: string): Promise<ConversationHistory> {
  const res = await rawRequest(server.url, { path: `/api/conversations/${encodeURIComponent(id)}` });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as ConversationHistory;
}

async function health(): Promise<{ status: number; body: { connections?: number; liveConversations?: number } }> {
  const res = await rawRequest(server.url, { path: '/health' });
  return { status: res.status, body: JSON.parse(res.text) as { connections?: number; liveConversations?: number } };
}

/** One fuzzing connection: sends its frames in bursts, then a sentinel, and checks the accounting. */
async function fuzzConnection(frames: Outgoing[], index: number): Promise<void> {
  const client = await WsRecorder.connect(server.wsUrl);
  counts.connections++;
  try {
    await checkConnection(client, frames, index);
  } finally {
    // Even when a check fails: a connection left open would skew the leak check further down.
    client.ws.close();
    await client.waitForClose().catch(() => client.ws.terminate());
  }
}

async function checkConnection(client: WsRecorder, frames: Outgoing[], index: number): Promise<void> {
  await client.waitFor(() => client.count('waiting') >= 1, 'the first waiting frame');
  const conversation = client.frames.find((f) => f.type === 'conversation');
  expect(conversation?.flowVersion).toBe(echoVersion);
  const expectedEchoes: string[] = [];
  let bad = 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i] as Outgoing;
    const text = frame.binary ? undefined : accepted(typeof frame.data === 'string' ? frame.data : frame.data.toString('utf8'));
    if (text === undefined) bad++;
    // The server makes text well formed (lone surrogates become U+FFFD) before the flow sees it.
    else expectedEchoes.push(ECHO_PREFIX + text.toWellFormed());
    client.sendRaw(frame.data, frame.binary);
    counts.framesSent++;
    // Bursts of 25 frames without waiting, then a breath so the socket buffer does not balloon.
    if (i % 25 === 24) await new Promise((r) => setImmediate(r));
  }
  const sentinel = `sentinel ${index}`;
  client.sendRaw(JSON.stringify({ type: 'message', text: sentinel }));
  expectedEchoes.push(ECHO_PREFIX + sentinel);
  // Messages are handled in order, so once the sentinel's echo is in, every earlier frame has been answered.
  await client.waitFor(
    () => client.frames.some((f) => f.type === 'message' && f.text === ECHO_PREFIX + sentinel),
    `the echo of ${sentinel}`,
    60000,
  );

  counts.accepted += expectedEchoes.length;
  counts.rejected += bad;
  expect(client.garbage).toEqual([]);
  expect(client.close).toBeUndefined();
  expect(client.isOpen).toBe(true);
  const errors = client.frames.filter((f) => f.type === 'error');
  counts.errorFrames += errors.length;
  for (const error of errors) {
    expect(error.code).toBe('invalid_message');
    expect(typeof error.message).toBe('string');
  }
  expect(errors).toHaveLength(bad);
  const echoes = client.frames.filter((f) => f.type === 'message').map((f) => String(f.text));
  counts.echoes += echoes.length - 1;
  expect(echoes).toEqual(['echo ready', ...expectedEchoes]);

  // What the client saw is what was stored: same bot texts, same order; user texts as trimmed.
  const stored = await history(String(conversation?.conversationId));
  const storedBot = stored.messages.filter((m) => m.from === 'bot').map((m) => m.text);
  expect(storedBot).toEqual(echoes);
}

const asFrames = (texts: string[]): Outgoing[] => texts.map((text) => ({ data: JSON.stringify({ type: 'message', text }), binary: false }));

describe('WebSocket fuzz', () => {
  it('answers bad-but-legal frames with error frames and keeps every connection open', async () => {
    const perConnection = 250;
    const batches = fc.sample(fc.array(frameArb, { minLength: perConnection, maxLength: perConnection }), 6);
    await Promise.all(batches.map((frames, i) => fuzzConnection(frames, i)));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores exactly what it echoes for odd but well-formed unicode', async () => {
    await fuzzConnection(
      asFrames([
        '\udbff\udfff',
        'é',
        'e\u0301',
        '\u0000',
        '\ufeff bom',
        '\ufffe',
        '\uffff',
        '𝒳'.repeat(500),
        '\u202e\u2066rtl',
        '\u00a0nbsp\u00a0',
      ]),
      98,
    );
  });

  // Lone surrogates are made well formed (U+FFFD) before the flow sees them, so echo and history agree.
  it('stores exactly what it echoes for text with lone surrogates', async () => {
    await fuzzConnection(asFrames(['\ud800', 'a\udfffb', 'x\udc00\ud800y']), 99);
  });

  it('closes with 1009 on a frame over 64 KiB, and accepts one of exactly 64 KiB', async () => {
    for (const size of [MAX_PAYLOAD + 1, MAX_PAYLOAD * 2, 5 * 1024 * 1024]) {
      const client = await WsRecorder.connect(server.wsUrl);
      counts.connections++;
      await client.waitFor(() => client.count('waiting') >= 1, 'waiting');
      client.sendRaw(`{"type":"message","text":"big"${' '.repeat(size - 31)}}`);
      const { code } = await client.waitForClose();
      expect(code).toBe(1009);
      counts.closed1009++;
    }
    // Exactly at the limit is still legal: it is answered (the text is fine, the rest is padding).
    const client = await WsRecorder.connect(server.wsUrl);
    await client.waitFor(() => client.count('waiting') >= 1, 'waiting');
    const frame = `{"type":"message","text":"at the limit"}`;
    client.sendRaw(frame.slice(0, -1) + ' '.repeat(MAX_PAYLOAD - frame.length) + '}');
    await client.waitFor(() => client.frames.some((f) => f.type === 'message' && f.text === `${ECHO_PREFIX}at the limit`), 'the echo');
    expect(client.isOpen).toBe(true);
    client.ws.close();
    await client.waitForClose();
  });

  it('closes with 1007 on text frames that are not UTF-8', async () => {
    const invalid = [
      Buffer.from([0xff]),
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      Buffer.from([0xc0, 0xaf]), // overlong "/"
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
      Buffer.concat([Buffer.from('{"type":"message","text":"ok'), Buffer.from([0xe2, 0x82])]), // cut mid-character
    ];
    for (const bytes of invalid) {
      const client = await WsRecorder.connect(server.wsUrl);
      counts.connections++;
      await client.waitFor(() => client.count('waiting') >= 1, 'waiting');
      client.sendRaw(bytes, false);
      const { code } = await client.waitForClose();
      expect(code).toBe(1007);
      counts.closed1007++;
      // No error frame: RFC 6455 says fail the connection.
      expect(client.count('error')).toBe(0);
    }
  });

  it('copes with many connections dropped mid-conversation and leaks no live conversation', async () => {
    const clients = await Promise.all(Array.from({ length: 30 }, () => WsRecorder.connect(server.wsUrl)));
    counts.connections += clients.length;
    clients.forEach((c, i) => {
      c.sendRaw(JSON.stringify({ type: 'message', text: `early ${i}` }));
      // Half vanish without a close handshake, half close politely, at once.
      if (i % 2 === 0) c.ws.terminate();
      else c.ws.close();
      counts.dropped++;
    });
    await Promise.all(clients.map((c) => c.waitForClose()));
    // Disconnects are processed asynchronously; poll /health briefly.
    const deadline = Date.now() + 5000;
    let last = await health();
    while ((last.body.connections !== 0 || last.body.liveConversations !== 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      last = await health();
    }
    expect(last.status).toBe(200);
    expect(last.body.connections).toBe(0);
    expect(last.body.liveConversations).toBe(0);
  });

  it('is still up afterwards and a normal conversation works end to end', async () => {
    expect((await health()).status).toBe(200);
    // Back to the bundled travel flow (version 1) for a real conversation.
    const activated = await rawRequest(server.url, { method: 'POST', path: '/api/flows/1/activate' });
    expect(activated.status).toBe(200);
    const client = await ChatClient.connect(server.wsUrl);
    const first = await client.next('conversation');
    expect(first.flowVersion).toBe(1);
    await client.until('waiting');
    expect((await client.ask('will it rain tomorrow?'))[0]).toMatch(/sunny/i);
    client.say('bye');
    const rest = await client.until('end');
    expect(rest.some((f) => f.type === 'message' && /bye/i.test(String(f.text)))).toBe(true);
    expect((await client.closed).code).toBe(1000);
    const stored = await history(String(first.conversationId));
    expect(stored.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual(['will it rain tomorrow?', 'bye']);
  });
});
