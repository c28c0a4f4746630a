import { Writable } from 'node:stream';
import pino from 'pino';
import type { Flow } from '../../src/flow/types';
import { checkedFetch } from '../support/http-client';
import { FakeDetector } from '../support/fake-detector';
import { ManualClock } from '../support/manual-clock';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

/** A small flow whose greeting says which bot and version it is. */
function greetingFlow(greeting: string): Flow {
  return {
    name: greeting,
    start: 'hello',
    blocks: [
      { id: 'hello', type: 'message', text: greeting, next: 'ask' },
      { id: 'ask', type: 'wait', saveAs: 'answer', next: 'bye' },
      { id: 'bye', type: 'end', text: 'Bye from {{answer}}' },
    ],
  };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function createBot(server: TestServer, id: string, name = id, headers: Record<string, string> = {}): Promise<Response> {
  return checkedFetch(`${server.url}/api/bots`, json({ id, name }, headers));
}

async function upload(server: TestServer, path: string, flow: Flow, headers: Record<string, string> = {}): Promise<{ version: number }> {
  const res = await checkedFetch(`${server.url}${path}`, json(flow, headers));
  expect(res.status).toBe(201);
  return (await res.json()) as { version: number };
}

/** Opens a chat and reads up to its first `waiting`: the conversation frame and the greeting. */
async function greet(url: string, options?: Parameters<typeof ChatClient.connect>[1]) {
  const client = await ChatClient.connect(url, options);
  const hello = await client.next('conversation');
  const frames = await client.until('waiting');
  const texts = frames.filter((f) => f.type === 'message').map((f) => String(f.text));
  return { client, hello, texts };
}

describe('many bots on one server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector() });
  });
  afterAll(() => server.close(true));

  it('creates, lists and reads bots; refuses a taken id and a bad one', async () => {
    const created = await createBot(server, 'pizza', 'Pronto Pizza');
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/bots/pizza');
    expect(await created.json()).toEqual({ id: 'pizza', name: 'Pronto Pizza', currentVersion: null, createdAt: expect.any(String) });

    const again = await createBot(server, 'pizza');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'bot_exists' });
    const taken = await createBot(server, 'default');
    expect(taken.status).toBe(409);

    const bad = await checkedFetch(`${server.url}/api/bots`, json({ id: '9 lives' }));
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'invalid_body', errors: [{ path: '/id', code: 'invalid_id' }] });

    const list = (await (await checkedFetch(`${server.url}/api/bots`)).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((bot) => bot.id)).toEqual(['default', 'pizza']);
    const one = await checkedFetch(`${server.url}/api/bots/pizza`);
    expect(await one.json()).toMatchObject({ id: 'pizza', name: 'Pronto Pizza', currentVersion: null });

    const unknown = await checkedFetch(`${server.url}/api/bots/nope/flows`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'unknown_bot' });
  });

  it('runs two bots at once, each on its own version; uploading to one never changes the other', async () => {
    await createBot(server, 'tea');
    const teaV1 = await upload(server, '/api/bots/tea/flows', greetingFlow('Tea v1'));
    const teaV2 = await upload(server, '/api/bots/tea/flows', greetingFlow('Tea v2'));
    // Versions are numbered per bot: tea starts at 1 although default has its own version 1.
    expect([teaV1.version, teaV2.version]).toEqual([1, 2]);
    const defaultBefore = await (await checkedFetch(`${server.url}/api/flows/current`)).text();

    const tea = await greet(`${server.wsUrl}?bot=tea`);
    const travel = await greet(server.wsUrl);
    expect(tea.hello).toEqual({ type: 'conversation', conversationId: expect.any(String), bot: 'tea', flowVersion: 2, resumed: false });
    expect(tea.texts).toEqual(['Tea v2']);
    // The default bot, as before bots existed: no `bot` in the frame.
    expect(travel.hello).toEqual({ type: 'conversation', conversationId: expect.any(String), flowVersion: 1, resumed: false });
    expect(travel.texts[0]).toContain('Hi!');

    // Both conversations go on at the same time.
    tea.client.say('oolong');
    travel.client.say('bye');
    expect(await tea.client.until('end')).toContainEqual({ type: 'message', text: 'Bye from oolong', blockId: 'bye' });
    await travel.client.until('end');

    expect(await (await checkedFetch(`${server.url}/api/flows/current`)).text()).toBe(defaultBefore);
    const defaultVersions = (await (await checkedFetch(`${server.url}/api/flows`)).json()) as { items: unknown[] };
    expect(defaultVersions.items).toHaveLength(1);
    const teaBot = await (await checkedFetch(`${server.url}/api/bots/tea`)).json();
    expect(teaBot).toMatchObject({ currentVersion: 2 });
    const machine = await checkedFetch(`${server.url}/api/bots/tea/flows/1/machine`);
    expect(machine.headers.get('x-flow-version')).toBe('1');
    expect(await machine.json()).toMatchObject({ initial: 'hello' });

    // The history carries the bot and filters by it and by status.
    const history = await checkedFetch(`${server.url}/api/conversations/${String(tea.hello.conversationId)}`);
    expect(await history.json()).toMatchObject({ bot: 'tea', flowVersion: 2, status: 'completed' });
    const teaPage = (await (await checkedFetch(`${server.url}/api/conversations?bot=tea&status=completed`)).json()) as {
      items: Array<{ id: string; bot?: string }>;
    };
    expect(teaPage.items.map((c) => c.id)).toEqual([tea.hello.conversationId]);
    const defaultPage = (await (await checkedFetch(`${server.url}/api/conversations?bot=default`)).json()) as {
      items: Array<{ id: string; bot?: string }>;
    };
    expect(defaultPage.items.map((c) => c.id)).toContain(travel.hello.conversationId);
    expect(defaultPage.items.every((c) => c.bot === undefined)).toBe(true);
    const bad = await checkedFetch(`${server.url}/api/conversations?bots=tea`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_parameter' });
    const badStatus = await checkedFetch(`${server.url}/api/conversations?status=done`);
    expect(badStatus.status).toBe(400);
    const unknownBot = await checkedFetch(`${server.url}/api/conversations?bot=nope`);
    expect(unknownBot.status).toBe(404);
  });

  it('keeps a draft from new conversations while a preview gets it, until it is activated', async () => {
    await createBot(server, 'draft');
    await upload(server, '/api/bots/draft/flows', greetingFlow('Published'));
    const res = await checkedFetch(`${server.url}/api/bots/draft/flows?activate=false`, json(greetingFlow('Draft')));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/bots/draft/flows/2');
    const versions = (await (await checkedFetch(`${server.url}/api/bots/draft/flows`)).json()) as { items: unknown[] };
    expect(versions.items).toEqual([
      expect.objectContaining({ version: 2, current: false }),
      expect.objectContaining({ version: 1, current: true }),
    ]);

    const plain = await greet(`${server.wsUrl}?bot=draft`);
    expect(plain.texts).toEqual(['Published']);
    const preview = await greet(`${server.wsUrl}?bot=draft&version=2`);
    expect(preview.hello).toMatchObject({ bot: 'draft', flowVersion: 2 });
    expect(preview.texts).toEqual(['Draft']);
    await Promise.all([plain.client.close(), preview.client.close()]);

    // A draft of the default bot, and its preview on the plain /ws path.
    const defaultDraft = await checkedFetch(`${server.url}/api/flows?activate=false`, json(greetingFlow('Default draft')));
    expect(defaultDraft.headers.get('location')).toBe('/api/flows/2');
    expect((await greet(server.wsUrl)).texts[0]).toContain('Hi!');
    expect((await greet(`${server.wsUrl}?version=2`)).texts).toEqual(['Default draft']);

    const activated = await checkedFetch(`${server.url}/api/bots/draft/flows/2/activate`, { method: 'POST' });
    expect(await activated.json()).toMatchObject({ version: 2, current: true });
    expect((await greet(`${server.wsUrl}?bot=draft`)).texts).toEqual(['Draft']);

    const missing = await ChatClient.connect(`${server.wsUrl}?bot=draft&version=9`);
    expect(await missing.next('error')).toMatchObject({ code: 'unknown_version' });
    expect((await missing.closed).code).toBe(4404);
    const nobody = await ChatClient.connect(`${server.wsUrl}?bot=nobody`);
    expect(await nobody.next('error')).toMatchObject({ code: 'unknown_bot' });
    expect((await nobody.closed).code).toBe(4404);
    await expect(ChatClient.connect(`${server.wsUrl}?version=0`)).rejects.toThrow(/upgrade refused: 400/);
  });

  it('tells a chat with a bot that has only a draft to activate it (not that no flow was uploaded)', async () => {
    await createBot(server, 'onlydraft');
    const res = await checkedFetch(`${server.url}/api/bots/onlydraft/flows?activate=false`, json(greetingFlow('Draft')));
    expect(res.status).toBe(201);
    const client = await ChatClient.connect(`${server.wsUrl}?bot=onlydraft`);
    expect(await client.next('error')).toEqual({
      type: 'error',
      code: 'no_flow',
      message: 'bot "onlydraft" has no current flow version: upload a flow, or activate a draft',
    });
    expect((await client.closed).code).toBe(4503);
  });

  it('answers the blocks and transitions added, removed and changed between two versions', async () => {
    await createBot(server, 'diff');
    const before: Flow = greetingFlow('Hello');
    const after: Flow = {
      name: 'Hello again',
      start: 'hello',
      blocks: [
        { id: 'hello', type: 'message', text: 'Hello!', next: 'ask' },
        { id: 'ask', type: 'wait', saveAs: 'answer', next: 'thanks' },
        { id: 'thanks', type: 'end', text: 'Thanks' },
      ],
    };
    await upload(server, '/api/bots/diff/flows', before);
    await upload(server, '/api/bots/diff/flows', after);
    const res = await checkedFetch(`${server.url}/api/bots/diff/flows/2/diff?from=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      from: 1,
      to: 2,
      properties: ['name'],
      blocks: {
        added: ['thanks'],
        removed: ['bye'],
        changed: [
          { id: 'hello', fields: ['text'] },
          { id: 'ask', fields: ['next'] },
        ],
      },
      transitions: { added: [], removed: [], changed: [{ from: 'ask', on: 'next', before: 'bye', after: 'thanks' }] },
    });
    const current = await checkedFetch(`${server.url}/api/bots/diff/flows/current/diff?from=2`);
    expect(await current.json()).toMatchObject({ from: 2, to: 2, properties: [], blocks: { added: [], removed: [], changed: [] } });
    const missing = await checkedFetch(`${server.url}/api/bots/diff/flows/2/diff?from=7`);
    expect(missing.status).toBe(404);
    const noFrom = await checkedFetch(`${server.url}/api/bots/diff/flows/2/diff`);
    expect(noFrom.status).toBe(400);
  });

  it('deletes a bot with its versions and history, but not while it has active conversations, and never default', async () => {
    await createBot(server, 'gone');
    await upload(server, '/api/bots/gone/flows', greetingFlow('Going'));
    const ended = await greet(`${server.wsUrl}?bot=gone`);
    ended.client.say('x');
    await ended.client.until('end');
    const live = await greet(`${server.wsUrl}?bot=gone`);

    const busy = await checkedFetch(`${server.url}/api/bots/gone`, { method: 'DELETE' });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ code: 'bot_in_use' });

    live.client.say('y');
    await live.client.until('end');
    const deleted = await checkedFetch(`${server.url}/api/bots/gone`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await checkedFetch(`${server.url}/api/bots/gone`)).status).toBe(404);
    expect((await checkedFetch(`${server.url}/api/conversations/${String(ended.hello.conversationId)}`)).status).toBe(404);
    expect((await checkedFetch(`${server.url}/api/bots/gone`, { method: 'DELETE' })).status).toBe(404);

    // A new bot of the same id starts from nothing: version 1 is its own, not the old bot's machine.
    await createBot(server, 'gone');
    await upload(server, '/api/bots/gone/flows', greetingFlow('Reborn'));
    expect((await greet(`${server.wsUrl}?bot=gone`)).texts).toEqual(['Reborn']);

    const protectedBot = await checkedFetch(`${server.url}/api/bots/default`, { method: 'DELETE' });
    expect(protectedBot.status).toBe(409);
    expect(await protectedBot.json()).toMatchObject({ code: 'default_bot' });
  });

  it('erases a live conversation (closing it with 4410 first) and an ended one, messages and steps included', async () => {
    const live = await greet(server.wsUrl);
    const id = String(live.hello.conversationId);
    const erased = await checkedFetch(`${server.url}/api/conversations/${id}`, { method: 'DELETE' });
    expect(erased.status).toBe(204);
    expect(await live.client.next('error')).toMatchObject({ code: 'conversation_erased' });
    expect((await live.client.closed).code).toBe(4410);
    expect((await checkedFetch(`${server.url}/api/conversations/${id}`)).status).toBe(404);
    const resumed = await ChatClient.connect(`${server.wsUrl}?conversationId=${id}`);
    expect(await resumed.next('error')).toMatchObject({ code: 'unknown_conversation' });

    const ended = await greet(server.wsUrl);
    ended.client.say('bye');
    await ended.client.until('end');
    const endedId = String(ended.hello.conversationId);
    expect((await checkedFetch(`${server.url}/api/conversations/${endedId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await checkedFetch(`${server.url}/api/conversations/${endedId}`)).status).toBe(404);
    expect((await checkedFetch(`${server.url}/api/conversations/${endedId}`, { method: 'DELETE' })).status).toBe(404);

    // Messages and steps went with it: nothing in the database names it any more.
    const db = (await import('better-sqlite3')).default;
    const raw = new db(server.dbPath, { readonly: true });
    const left = raw
      .prepare<[string, string, string, string], { n: number }>(
        `SELECT (SELECT COUNT(*) FROM messages WHERE conversation_id IN (?, ?)) +
                (SELECT COUNT(*) FROM steps WHERE conversation_id IN (?, ?)) AS n`,
      )
      .get(id, endedId, id, endedId);
    raw.close();
    expect(left?.n).toBe(0);
  });
});

describe('previews when API_TOKEN is set', () => {
  const TOKEN = 'preview-secret-token';
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const logged: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startTestServer({ detector: new FakeDetector(), env: { API_TOKEN: TOKEN }, logger: pino({ level: 'debug' }, sink) });
    await createBot(server, 'secret', 'Secret', auth);
    await upload(server, '/api/bots/secret/flows?activate=false', greetingFlow('Draft only'), auth);
    await upload(server, '/api/bots/secret/flows?activate=false', greetingFlow('Second draft'), auth);
    await checkedFetch(`${server.url}/api/bots/secret/flows/1/activate`, { method: 'POST', headers: auth });
  });
  afterAll(() => server.close(true));

  it('refuses a preview without the token, with a wrong one, and accepts it by header and by subprotocol', async () => {
    await expect(ChatClient.connect(`${server.wsUrl}?bot=secret&version=2`)).rejects.toThrow(/upgrade refused: 401/);
    await expect(
      ChatClient.connect(`${server.wsUrl}?bot=secret&version=2`, { headers: { Authorization: 'Bearer wrong' } }),
    ).rejects.toThrow(/upgrade refused: 401/);
    await expect(ChatClient.connect(`${server.wsUrl}?bot=secret&version=2`, { protocols: ['bearer.wrong'] })).rejects.toThrow(
      /upgrade refused: 401/,
    );

    const byHeader = await greet(`${server.wsUrl}?bot=secret&version=2`, { headers: auth });
    expect(byHeader.texts).toEqual(['Second draft']);
    const byProtocol = await greet(`${server.wsUrl}?bot=secret&version=2`, { protocols: [`bearer.${TOKEN}`] });
    expect(byProtocol.texts).toEqual(['Second draft']);
    // The server accepts the protocol the browser offered, or the browser would fail the connection.
    expect(byProtocol.client.ws.protocol).toBe(`bearer.${TOKEN}`);

    // Plain chat stays open.
    expect((await greet(`${server.wsUrl}?bot=secret`)).texts).toEqual(['Draft only']);
    await Promise.all([byHeader.client.close(), byProtocol.client.close()]);
    expect(logged.join('')).toContain('conversation opened');
    expect(logged.join('')).not.toContain(TOKEN);
  });
});

describe('RETENTION_DAYS', () => {
  it('erases ended and abandoned conversations older than that, in batches, keeps the rest, and logs the count', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const server = await startTestServer({
      detector: new FakeDetector(),
      clock,
      env: { RETENTION_DAYS: '30', IDLE_TIMEOUT_MS: '3600000' },
      logger: pino({ level: 'info' }, sink),
    });
    try {
      // Old history: 450 ended conversations (more than one batch), written 40 days ago.
      const repo = server.storage.conversations;
      const old = new Date(clock.now().getTime() - 40 * 86_400_000).toISOString();
      for (let i = 0; i < 450; i++) {
        const id = `old-${i}`;
        await repo.create({ id, flowVersion: 1, createdAt: old });
        await repo.appendTurn({
          conversationId: id,
          messages: [{ from: 'bot', text: 'hi', blockId: 'welcome', at: old }],
          steps: [{ from: null, to: 'welcome', event: 'start', at: old }],
          status: i % 2 ? 'completed' : 'abandoned',
          variables: {},
          currentBlock: 'welcome',
          snapshot: null,
          at: old,
        });
      }
      // Old but still active: never erased by retention (idle expiry decides about it first).
      await repo.create({ id: 'old-active', flowVersion: 1, createdAt: old });

      // A conversation that ended today, and one running now.
      const recent = await greet(server.wsUrl);
      recent.client.say('bye');
      await recent.client.until('end');
      const running = await greet(server.wsUrl);

      await expect(server.app.applyRetention()).resolves.toBe(450);
      expect(lines).toContainEqual(expect.objectContaining({ count: 450, retentionDays: 30 }));
      const page = (await (await checkedFetch(`${server.url}/api/conversations?limit=100`)).json()) as { items: Array<{ id: string }> };
      expect(page.items.map((c) => c.id).sort()).toEqual(
        [String(recent.hello.conversationId), String(running.hello.conversationId), 'old-active'].sort(),
      );

      // 31 days on, the one that ended today is past retention too; the live one is still active.
      running.client.say('bye');
      await running.client.until('end');
      clock.advance(29 * 86_400_000);
      await expect(server.app.applyRetention()).resolves.toBe(0);
      clock.advance(2 * 86_400_000);
      await expect(server.app.applyRetention()).resolves.toBe(2);
      const left = (await (await checkedFetch(`${server.url}/api/conversations`)).json()) as { items: Array<{ id: string }> };
      expect(left.items.map((c) => c.id)).toEqual(['old-active']);
    } finally {
      await server.close(true);
    }
  });
});
