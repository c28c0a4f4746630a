/**
 * Conversation tests over REST: POST /api/flows/{version}/tests runs a test document against a stored
 * version; GET /api/conversations/{id}/test turns a real conversation into a test that replays green.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpRequest, HttpRequester } from '../../src/runtime/http-requester';
import { checkedFetch } from '../support/http-client';
import { defaultFlow } from '../support/flows';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

const json = { 'Content-Type': 'application/json' };
/** The server's own http client: tests run over REST must never reach it (mocks answer their calls). */
const serverCalls: HttpRequest[] = [];
const serverRequester: HttpRequester = {
  request: (request) => {
    serverCalls.push(request);
    return Promise.resolve({ ok: true, status: 200, body: '{"status":"shipped"}' });
  },
};
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ httpRequester: serverRequester });
});
afterAll(() => server.close(true));

async function runTests(version: string | number, document: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await checkedFetch(`${server.url}/api/flows/${version}/tests`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(document),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/flows/{version}/tests', () => {
  it('answers passed, failed, coverage, the uncovered transitions and each result', async () => {
    const r = await runTests(1, {
      intents: 'scripted',
      tests: [
        { name: 'tips', steps: [{ choice: 'tips' }, { bot: '/Casa Nostra/' }, { waiting: 'ask' }] },
        { name: 'wrong', steps: [{ user: 'bye' }, { intent: 'bye' }, { end: 'handover' }] },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      passed: 1,
      failed: 1,
      coverage: 0.1667,
      results: [
        { name: 'tips', passed: true },
        {
          name: 'wrong',
          passed: false,
          failure: {
            step: 2,
            action: { end: 'handover' },
            expected: 'the conversation to end at "handover"',
            actual: 'the conversation ended at "goodbye"',
          },
        },
      ],
    });
    expect(r.body.uncovered).toContain('route -> weather (intent.matched: weather)');
  });

  it('runs local intents with the local classifier, on "current" too', async () => {
    const r = await runTests('current', {
      tests: [{ name: 'weather', steps: [{ user: 'will it rain in Porto tomorrow?' }, { intent: 'weather' }, { bot: '/sunny/' }] }],
    });
    expect(r.body).toMatchObject({ passed: 1, failed: 0 });
  });

  it("422 with pointers for a bad document (a file's `flow` included), 404 for an unknown version", async () => {
    const bad = await runTests(1, { flow: 'x.json', tests: [{ name: 'n', steps: [{ shout: 'x' }] }] });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'invalid_body' });
    expect((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual(['/flow', '/tests/0/steps/0/shout']);
    const missing = await runTests(99, { tests: [{ name: 'n', steps: [] }] });
    expect(missing.status).toBe(404);
  });
});

describe('POST /api/bots/{bot}/flows/{version}/tests', () => {
  it("runs a document against that bot's version, not the default bot's; 404 unknown_bot for a bot that does not exist", async () => {
    const created = await checkedFetch(`${server.url}/api/bots`, { method: 'POST', headers: json, body: JSON.stringify({ id: 'tester' }) });
    expect(created.status).toBe(201);
    // The bot's version 1 greets differently from the default bot's version 1.
    const flow = defaultFlow();
    const welcome = flow.blocks.find((b) => b.id === 'welcome') as { text: string };
    welcome.text = 'Hello from the tester bot.';
    const uploaded = await checkedFetch(`${server.url}/api/bots/tester/flows`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(flow),
    });
    expect(uploaded.status).toBe(201);
    const document = { intents: 'scripted', tests: [{ name: 'greeting', steps: [{ bot: 'Hello from the tester bot.' }] }] };
    const post = (path: string) => checkedFetch(`${server.url}${path}`, { method: 'POST', headers: json, body: JSON.stringify(document) });

    const own = await post('/api/bots/tester/flows/1/tests');
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ passed: 1, failed: 0 });
    const other = await post('/api/flows/1/tests');
    expect(await other.json()).toMatchObject({ passed: 0, failed: 1 });
    const missing = await post('/api/bots/nobody/flows/1/tests');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'unknown_bot' });
  });
});

describe('GET /api/conversations/{id}/test', () => {
  it('turns a real conversation into a test that replays green on its version, and shows what a new version changed', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'message', text: 'will it rain tomorrow?' }));
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'choice', value: 'offers' }));
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'message', text: 'twenty' }));
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'message', text: '4' }));
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'message', text: "that's all, thanks" }));
    await client.until('end');
    await client.close();

    const res = await checkedFetch(`${server.url}/api/conversations/${String(conversationId)}/test`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flow-version')).toBe('1');
    const document = (await res.json()) as { intents: string; tests: Array<{ steps: unknown[] }> };
    expect(document.intents).toBe('scripted');
    expect(document.tests[0]?.steps).toEqual([
      { bot: 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?' },
      { user: 'will it rain tomorrow?' },
      { intent: 'weather' },
      { bot: 'It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?' },
      { choice: 'offers' },
      { bot: 'How many nights would you like to stay? (1 to 14)' },
      { user: 'twenty' },
      { bot: 'Please answer with a number of nights from 1 to 14.' },
      { user: '4' },
      { bot: 'Offer 1: 4 nights in Lisbon, 69 EUR a night. Anything else?' },
      { user: "that's all, thanks" },
      { intent: 'bye' },
      { bot: 'Happy to help. Bye!' },
      { end: 'goodbye' },
      { variables: { lastMessage: "that's all, thanks", request: "that's all, thanks", intent: 'bye', nights: 4, offers: 1 } },
    ]);
    const replay = await runTests(1, document);
    expect(replay.body).toMatchObject({ passed: 1, failed: 0 });

    // A new version that says it differently: the same conversation shows the change.
    const changed = defaultFlow();
    const weather = changed.blocks.find((b) => b.id === 'weather') as { text: string };
    weather.text = 'Rain all day, sorry.';
    const upload = await checkedFetch(`${server.url}/api/flows`, { method: 'POST', headers: json, body: JSON.stringify(changed) });
    const { version } = (await upload.json()) as { version: number };
    const regression = await runTests(version, document);
    expect(regression.body).toMatchObject({
      passed: 0,
      failed: 1,
      results: [
        {
          passed: false,
          failure: { step: 3, expected: expect.stringContaining('It will be sunny'), actual: 'it said "Rain all day, sorry."' },
        },
      ],
    });
  });

  it('404 for an unknown conversation', async () => {
    const res = await checkedFetch(`${server.url}/api/conversations/nope/test`);
    expect(res.status).toBe(404);
  });
});

describe('http blocks in tests run over REST', () => {
  it("answers them from mocks.http, fails an unmocked one, and never uses the server's own client", async () => {
    const flow = readFileSync(join(__dirname, '..', '..', 'flows', 'order-status.json'), 'utf8');
    const created = await checkedFetch(`${server.url}/api/bots`, { method: 'POST', headers: json, body: JSON.stringify({ id: 'orders' }) });
    expect(created.status).toBe(201);
    const uploaded = await checkedFetch(`${server.url}/api/bots/orders/flows`, { method: 'POST', headers: json, body: flow });
    expect(uploaded.status).toBe(201);
    const res = await checkedFetch(`${server.url}/api/bots/orders/flows/1/tests`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        tests: [
          {
            name: 'delivered',
            steps: [{ user: '1001' }, { bot: '/was delivered on 2026-05-04/' }],
            mocks: { http: { lookup: [{ status: 200, body: { status: 'delivered', delivery: { eta: '2026-05-04' } } }] } },
          },
          { name: 'timeout', steps: [{ user: '1001' }, { bot: '/\\(timeout\\)/' }], mocks: { http: { lookup: [{ error: 'timeout' }] } } },
          { name: 'unmocked', steps: [{ user: '1001' }, { bot: '/on its way/' }] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      passed: 2,
      failed: 1,
      results: [
        { name: 'delivered', passed: true },
        { name: 'timeout', passed: true },
        {
          name: 'unmocked',
          passed: false,
          failure: {
            step: 0,
            action: { user: '1001' },
            expected: 'a mock for the 1st call of http block "lookup"',
            actual:
              'it called GET http://127.0.0.1:4000/api/orders/1001, and mocks.http has no mock for this block (tests never call the network)',
          },
        },
      ],
    });
    expect(serverCalls).toEqual([]);
  });

  it('turns a conversation that called an http block into a test with the recorded call as its mock, which replays green', async () => {
    const client = await ChatClient.connect(`${server.wsUrl}?bot=orders`);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    client.send(JSON.stringify({ type: 'message', text: '1001' }));
    await client.until('waiting');
    await client.close();
    expect(serverCalls.map((c) => `${c.blockId} ${c.method} ${c.url}`)).toEqual(['lookup GET http://127.0.0.1:4000/api/orders/1001']);

    const res = await checkedFetch(`${server.url}/api/conversations/${String(conversationId)}/test`);
    const document = (await res.json()) as { tests: Array<{ steps: unknown[]; mocks?: unknown }> };
    expect(document.tests[0]?.mocks).toEqual({ http: { lookup: [{ status: 200, body: { status: 'shipped' } }] } });
    expect(document.tests[0]?.steps).toContainEqual({ bot: 'Order 1001 is on its way: it should arrive on a day we will tell you soon.' });
    const replay = await checkedFetch(`${server.url}/api/bots/orders/flows/1/tests`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(document),
    });
    expect(await replay.json()).toMatchObject({ passed: 1, failed: 0 });
    expect(serverCalls).toHaveLength(1);
  });
});
