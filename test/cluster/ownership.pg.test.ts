import type { ServerResponse } from 'node:http';
import type { Flow } from '../../src/flow/types';
import { Cluster } from '../support/cluster/cluster';
import { LISTENER_BACKENDS } from '../support/cluster/database';
import { counterFlow } from '../support/cluster/flows';
import { counterProblems, sequenceProblems, storedConversation } from '../support/cluster/history';
import type { Instance } from '../support/cluster/instance';
import { within } from '../support/cluster/within';
import { checkedFetch } from '../support/http-client';
import { HttpStub, json } from '../support/http-stub';
import { until } from '../support/logged-process';
import { ChatClient } from '../support/ws-client';
import { WsRecorder } from '../support/ws-recorder';

/**
 * Three flowbot processes on one PostgreSQL database behind nginx (deploy/nginx.conf): a
 * conversation is run by the instance holding its socket, moves to whichever instance a resume
 * reaches, and an instance that lost it (replaced, frozen mid-turn) never stores or shows a turn.
 */

// Real processes on two shared cores: starting a cluster and its load take longer than a unit test.
jest.setTimeout(180_000);

let cluster: Cluster;
let stub: HttpStub;
let A: Instance;
let B: Instance;
let C: Instance;

/** A wait whose answer goes through an http block: the turn lasts as long as the stub holds its answer. */
function slowFlow(url: string): Flow {
  return {
    name: 'Slow',
    start: 'hello',
    blocks: [
      { id: 'hello', type: 'message', text: 'Slow: say anything.', next: 'ask' },
      { id: 'ask', type: 'wait', saveAs: 'said', next: 'call' },
      {
        id: 'call',
        type: 'http',
        method: 'GET',
        url: `${url}/answer?said={{said}}`,
        timeoutMs: 120000,
        save: { reply: '/reply' },
        next: 'answer',
        onError: 'failed',
      },
      { id: 'answer', type: 'message', text: '{{reply}}', next: 'ask' },
      { id: 'failed', type: 'message', text: 'failed: {{httpError}}', next: 'ask' },
    ],
  };
}

/** Answers held back by the stub until the test releases them (keyed by the `said` query value). */
const held = new Map<string, ServerResponse>();

beforeAll(async () => {
  stub = await HttpStub.start();
  stub.handler = (request, res) => {
    const said = new URL(request.url, stub.origin).searchParams.get('said') ?? '';
    if (said.startsWith('hold')) held.set(said, res);
    else json(res, 200, { reply: `fast: ${said}` });
  };
  cluster = await Cluster.start({
    instances: 3,
    storage: 'postgres',
    label: 'owner',
    env: { HTTP_ALLOWED_HOSTS: `127.0.0.1:${stub.port}`, HTTP_MAX_TIMEOUT_MS: '120000' },
  });
  [A, B, C] = cluster.instances as [Instance, Instance, Instance];
  for (const [bot, flow] of [
    ['counter', counterFlow()],
    ['slow', slowFlow(stub.origin)],
  ] as const) {
    expect((await post(cluster.lb.url, '/api/bots', { id: bot })).status).toBe(201);
    expect((await post(cluster.lb.url, `/api/bots/${bot}/flows`, flow)).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  for (const res of held.values()) res.destroy();
  await cluster?.stop();
  await stub?.close();
});

function post(base: string, path: string, body: unknown): Promise<Response> {
  return checkedFetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A counter conversation started on `instance`, with `said` answered, left open. */
async function counterOn(instance: Instance, ...said: string[]): Promise<{ client: ChatClient; id: string }> {
  const client = await ChatClient.connect(`${instance.wsUrl}?bot=counter`);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');
  for (const [i, text] of said.entries()) expect(await client.ask(text)).toEqual([`${i + 1}: ${text}`]);
  return { client, id };
}

async function expectClean(id: string): Promise<void> {
  const stored = await storedConversation(cluster.lb.url, id);
  expect([...counterProblems(stored), ...(await sequenceProblems(cluster.database!, id))]).toEqual([]);
}

/**
 * A on a slow turn (the stub holds its answer), frozen with SIGSTOP; `whileFrozen` runs; B resumes
 * and talks; the stub answers A, which is continued: A must close with 4409, show nothing of its
 * turn, and the history must hold B's turns only.
 */
async function frozenOwnerLosesTurn(hold: string, whileFrozen: () => Promise<void>): Promise<void> {
  const a = await ChatClient.connect(`${A.wsUrl}?bot=slow`);
  const id = String((await a.next('conversation')).conversationId);
  await a.until('waiting');
  a.say(hold);
  await until(() => held.has(hold), 'A to call the service mid-turn');
  A.pause();
  try {
    await whileFrozen();
    const b = await ChatClient.connect(`${B.wsUrl}?conversationId=${id}`);
    expect(await b.next('conversation')).toMatchObject({ resumed: true });
    expect(await b.next('waiting')).toMatchObject({ blockId: 'ask' });
    expect(await b.ask('quick')).toEqual(['fast: quick']);
    // The frozen owner's service answers now; A reads it once it runs again.
    json(held.get(hold) as ServerResponse, 200, { reply: `slow: ${hold}` });
    A.resume();
    expect((await within(a.closed, 20_000, 'A closing the socket it lost')).code).toBe(4409);
    expect(a.frames.filter((f) => f.type === 'message').map((f) => f.text)).toEqual(['Slow: say anything.']);
    expect(await b.ask('again')).toEqual(['fast: again']);
    await b.close();
  } finally {
    A.resume();
  }
  const stored = await storedConversation(cluster.lb.url, id);
  expect(stored.messages.map((m) => m.text)).toEqual(['Slow: say anything.', 'quick', 'fast: quick', 'again', 'fast: again']);
  expect(await sequenceProblems(cluster.database!, id)).toEqual([]);
}

describe('three instances on one PostgreSQL database behind nginx', () => {
  it('names each instance and its storage in /health', async () => {
    for (const instance of cluster.instances) {
      expect(await instance.health()).toMatchObject({ status: 'ok', storage: 'postgres', instance: instance.id });
    }
  });

  it('resumes on B a conversation talked on A: resumed, at the right block, the history dense and in order', async () => {
    const { client, id } = await counterOn(A, 'one', 'two');
    await client.close();
    const b = await ChatClient.connect(`${B.wsUrl}?conversationId=${id}`);
    expect(await b.next('conversation')).toMatchObject({ conversationId: id, resumed: true, bot: 'counter' });
    expect(await b.next('waiting')).toMatchObject({ blockId: 'ask' });
    expect(await b.ask('three')).toEqual(['3: three']);
    await b.close();
    const stored = await storedConversation(cluster.lb.url, id);
    expect(stored.messages.map((m) => `${m.from} ${m.text}`)).toEqual([
      'bot Counter: say anything.',
      'user one',
      'bot 1: one',
      'user two',
      'bot 2: two',
      'user three',
      'bot 3: three',
    ]);
    await expectClean(id);
  });

  it('closes the socket on A with 4409 when B resumes the conversation, and only B gets turns', async () => {
    const { client: a, id } = await counterOn(A, 'one');
    const b = await ChatClient.connect(`${B.wsUrl}?conversationId=${id}`);
    expect(await b.next('conversation')).toMatchObject({ resumed: true });
    await b.next('waiting');
    // A message A may still receive before it hears of the takeover: it must not become a turn.
    a.say('from-a');
    const closed = await within(a.closed, 5000, 'closing the replaced socket');
    expect(closed.code).toBe(4409);
    expect(a.frames.filter((f) => f.type === 'error')).toEqual([expect.objectContaining({ code: 'replaced' })]);
    expect(a.frames.filter((f) => f.type === 'message').map((f) => f.text)).toEqual(['Counter: say anything.', '1: one']);
    expect(await b.ask('from-b')).toEqual(['2: from-b']);
    await b.close();
    const stored = await storedConversation(cluster.lb.url, id);
    expect(stored.messages.map((m) => m.text)).not.toContain('from-a');
    await expectClean(id);
  });

  it('leaves exactly one socket of each of 100 conversations resumed on three instances at once', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      const started = await Promise.all(Array.from({ length: 20 }, (_, i) => counterOn(cluster.instances[i % 3] as Instance, 'one')));
      await Promise.all(started.map((s) => s.client.close()));
      ids.push(...started.map((s) => s.id));
    }
    // 300 resumes at once: each conversation on A, B and C.
    const racers = await Promise.all(
      ids.map((id) => Promise.all(cluster.instances.map((instance) => WsRecorder.connect(`${instance.wsUrl}?conversationId=${id}`)))),
    );
    const open = (sockets: WsRecorder[]): WsRecorder[] => sockets.filter((s) => s.close === undefined);
    const settled = (sockets: WsRecorder[]): boolean => open(sockets).length <= 1 && open(sockets).every((s) => s.count('waiting') === 1);
    await until(() => racers.every(settled), 'every race to settle on one socket', 60_000).catch((err: Error) => {
      const unsettled = racers.filter((sockets) => !settled(sockets));
      const shape = (s: WsRecorder): string => `${s.close ? `closed ${s.close.code}` : 'open'} [${s.frames.map((f) => f.type).join(',')}]`;
      throw new Error(
        `${err.message}: ${unsettled.length} unsettled, e.g. ${unsettled
          .slice(0, 3)
          .map((r) => r.map(shape).join(' | '))
          .join('; ')}`,
      );
    });
    const survivors = racers.map((sockets) => open(sockets));
    expect(survivors.filter((s) => s.length !== 1)).toEqual([]);
    const losers = racers.flatMap((sockets) => sockets.filter((s) => s.close !== undefined));
    expect(losers).toHaveLength(200);
    expect(new Set(losers.map((s) => s.close?.code))).toEqual(new Set([4409]));
    // The survivor runs the conversation: its turn is the second, stored once.
    for (const [i, [survivor]] of survivors.entries()) {
      const s = survivor as WsRecorder;
      expect(s.frames[0]).toMatchObject({ type: 'conversation', conversationId: ids[i], resumed: true });
      s.sendRaw(JSON.stringify({ type: 'message', text: 'two' }));
    }
    await Promise.all(
      survivors.map(([s]) => (s as WsRecorder).waitFor(() => (s as WsRecorder).count('waiting') === 2, 'the second turn', 30_000)),
    );
    for (const [s] of survivors) s?.ws.close();
    for (const id of ids) await expectClean(id);
    for (const id of ids) expect((await storedConversation(cluster.lb.url, id)).messages.map((m) => m.text).slice(-1)).toEqual(['2: two']);
  });

  it('stores and shows nothing of a turn the owner finishes after it was frozen and the conversation moved', async () => {
    await frozenOwnerLosesTurn('hold-1', async () => undefined);
  });

  it('fences the turn of a frozen owner that did not hear of the takeover (its listener cut meanwhile)', async () => {
    // A partition of the signals only: A's LISTEN connection dies while A cannot notice, so the
    // takeover's notification never reaches it and only the conditional write can stop its turn.
    await frozenOwnerLosesTurn('hold-2', async () => {
      const cut = await cluster.database!.query<{ done: boolean }>(
        `SELECT pg_terminate_backend(pid) AS done FROM (${LISTENER_BACKENDS}) AS l`,
        [`flowbot ${A.id}`],
      );
      expect(cut).toEqual([{ done: true }]);
    });
  });

  it('closes with 4410 a conversation live on A that is erased through B', async () => {
    const { client, id } = await counterOn(A, 'one');
    expect((await checkedFetch(`${B.url}/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await within(client.closed, 10_000, 'closing the erased conversation')).code).toBe(4410);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'conversation_erased' });
    expect((await checkedFetch(`${cluster.lb.url}/api/conversations/${id}`)).status).toBe(404);
  });

  it('serves bots and previews made on different instances, through nginx to all of them', async () => {
    expect((await post(A.url, '/api/bots', { id: 'pizza' })).status).toBe(201);
    expect((await post(B.url, '/api/bots/pizza/flows', counterFlow('Pizza one'))).status).toBe(201);
    expect((await post(C.url, '/api/bots/pizza/flows?activate=false', counterFlow('Pizza two'))).status).toBe(201);
    for (let i = 0; i < 6; i += 1) {
      const preview = i % 2 === 1;
      const client = await ChatClient.connect(`${cluster.lb.wsUrl}?bot=pizza${preview ? '&version=2' : ''}`);
      expect(await client.next('conversation')).toMatchObject({ bot: 'pizza', flowVersion: preview ? 2 : 1 });
      expect(await client.next('message')).toMatchObject({ text: preview ? 'Pizza two: say anything.' : 'Pizza one: say anything.' });
      await client.next('waiting');
      expect(await client.ask('hi')).toEqual(['1: hi']);
      await client.close();
    }
    // Round robin: the six sockets went to every instance.
    await until(() => (cluster.lb.accessLog().match(/ GET \/ws\?bot=pizza/g) ?? []).length === 6, 'nginx to log the six sockets');
    const upstreams = cluster.lb
      .accessLog()
      .split('\n')
      .filter((line) => line.includes(' GET /ws?bot=pizza'))
      .map((line) => line.split(' ')[1]);
    expect(new Set(upstreams)).toEqual(new Set(cluster.instances.map((i) => `127.0.0.1:${i.port}`)));
  });

  it('gives a new conversation on B the version uploaded on A the moment the upload is answered, 20 times', async () => {
    expect((await post(A.url, '/api/bots', { id: 'versions' })).status).toBe(201);
    for (let i = 1; i <= 20; i += 1) {
      const res = await post(A.url, '/api/bots/versions/flows', counterFlow(`V${i}`));
      expect(res.status).toBe(201);
      const { version } = (await res.json()) as { version: number };
      const client = await ChatClient.connect(`${B.wsUrl}?bot=versions`);
      expect(await client.next('conversation')).toMatchObject({ flowVersion: version });
      expect(await client.next('message')).toMatchObject({ text: `V${i}: say anything.` });
      await client.close();
    }
  });
});
