import { Client } from 'pg';
import type { PostgresStorage } from '../../src/storage/postgres';
import { applyPgMigrations } from '../../src/storage/postgres';
import { Pool } from 'pg';
import { checkedFetch } from '../support/http-client';
import { defaultFlow } from '../support/flows';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/postgres';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

/**
 * Two instances (two apps in this process, each with its own pool and listener) on one PostgreSQL:
 * ownership, fencing and the signals that tie them together, through real HTTP and WebSockets.
 */
let database: TestDatabase;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  a = await startTestServer({ databaseUrl: database.url, env: { INSTANCE_ID: 'a' } });
  b = await startTestServer({ databaseUrl: database.url, env: { INSTANCE_ID: 'b' } });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

const json = { 'Content-Type': 'application/json' };

async function history(server: TestServer, id: string): Promise<{ messages: Array<{ from: string; text: string }> }> {
  const res = await checkedFetch(`${server.url}/api/conversations/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: Array<{ from: string; text: string }> };
}

async function open(server: TestServer): Promise<{ client: ChatClient; id: string }> {
  const client = await ChatClient.connect(server.wsUrl);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');
  return { client, id };
}

/** Resolves once `condition` holds, checking as often as the event loop allows (no fixed sleeps). */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('instances sharing one PostgreSQL', () => {
  it('reports its storage and instance on /health', async () => {
    const res = await checkedFetch(`${b.url}/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', storage: 'postgres', instance: 'b', database: 'ok', flowVersion: 1 });
  });

  it('resumes a conversation of A on B: A is closed with 4409, B goes on with the whole history', async () => {
    const { client: onA, id } = await open(a);
    expect(await onA.ask('is it going to snow this weekend?')).toHaveLength(1);
    const onB = await ChatClient.connect(`${b.wsUrl}?conversationId=${id}`);
    expect(await onB.next('conversation')).toMatchObject({ conversationId: id, resumed: true });
    expect(await onB.next('waiting')).toMatchObject({ blockId: 'ask' });
    expect(await onA.next('error')).toMatchObject({ code: 'replaced' });
    expect((await onA.closed).code).toBe(4409);
    expect(await onB.ask('cheap flights to Rome?')).toHaveLength(1);
    const stored = await history(a, id);
    expect(stored.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual([
      'is it going to snow this weekend?',
      'cheap flights to Rome?',
    ]);
    const seqs = await queryDatabase<{ seq: number }>(database.url, 'SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq', [
      id,
    ]);
    expect(seqs.map((row) => row.seq)).toEqual(stored.messages.map((_, i) => i + 1));
    await onB.close();
  });

  it('leaves exactly one open socket of each conversation resumed on both instances at the same moment', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { client, id } = await open(i % 2 ? a : b);
      ids.push(id);
      await client.close();
    }
    const pairs = await Promise.all(
      ids.map((id) => Promise.all([a, b, a].map((server) => ChatClient.connect(`${server.wsUrl}?conversationId=${id}`)))),
    );
    const openSockets = (clients: ChatClient[]): ChatClient[] => clients.filter((c) => c.ws.readyState === c.ws.OPEN);
    // Every loser is closed (4409); what stays open is the one owner, waiting for its user.
    await eventually(() => Promise.resolve(pairs.every((clients) => openSockets(clients).length === 1)));
    for (const clients of pairs) {
      for (const closed of clients.filter((c) => c.ws.readyState !== c.ws.OPEN)) expect((await closed.closed).code).toBe(4409);
      const [owner] = openSockets(clients);
      if (!owner) throw new Error('no owner');
      await owner.until('waiting');
      expect(await owner.ask('is it going to snow this weekend?')).toHaveLength(1);
    }
    for (const clients of pairs) for (const client of openSockets(clients)) await client.close();
  });

  it('never stores a turn of an owner that lost the conversation', async () => {
    const { client: onA, id } = await open(a);
    // A is deaf for a moment (as a paused or partitioned owner is): it does not hear B's claim...
    const local = (a.storage.events as unknown as { local: { deliver: (event: unknown) => void } }).local;
    const deliver = local.deliver.bind(local);
    local.deliver = () => undefined;
    try {
      const claim = await b.storage.conversations.claim(id, 'b');
      expect(claim?.epoch).toBe(2);
      // ...so it runs the next turn, whose write carries the epoch it lost: refused, nothing shown.
      onA.say('is it going to snow this weekend?');
      expect(await onA.next('error')).toMatchObject({ code: 'replaced' });
      expect((await onA.closed).code).toBe(4409);
    } finally {
      local.deliver = deliver;
    }
    expect(onA.frames.filter((f) => f.type === 'message' && f.blockId !== 'welcome')).toEqual([]);
    const stored = await history(b, id);
    expect(stored.messages.map((m) => m.text)).toEqual([
      'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?',
    ]);
  });

  it('closes a live conversation on A with 4410 when B erases it', async () => {
    const { client: onA, id } = await open(a);
    const res = await checkedFetch(`${b.url}/api/conversations/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await onA.next('error')).toMatchObject({ code: 'conversation_erased' });
    expect((await onA.closed).code).toBe(4410);
  });

  it('starts a new conversation on B on the version just uploaded on A, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const flow = { ...defaultFlow(), name: `upload ${i}` };
      const res = await checkedFetch(`${a.url}/api/flows`, { method: 'POST', headers: json, body: JSON.stringify(flow) });
      expect(res.status).toBe(201);
      const { version } = (await res.json()) as { version: number };
      const client = await ChatClient.connect(b.wsUrl);
      expect(await client.next('conversation')).toMatchObject({ flowVersion: version });
      await client.close();
    }
  });

  it('re-reads what it may have missed when its listener connection is killed', async () => {
    const events = (a.storage as PostgresStorage).events;
    const { client: onA, id } = await open(a);
    const pid = await events.listenerPid();
    expect(pid).toEqual(expect.any(Number));
    // Told apart from the pool's connections by its name.
    const named = await queryDatabase<{ name: string }>(
      database.url,
      'SELECT application_name AS name FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(named).toEqual([{ name: 'flowbot listener' }]);
    const killer = new Client({ connectionString: database.url });
    await killer.connect();
    await killer.query('SELECT pg_terminate_backend($1)', [pid]);
    // While A does not listen, B takes the conversation over: A cannot hear it, and learns it on resync.
    await eventually(() => Promise.resolve(!events.listening));
    await b.storage.conversations.claim(id, 'b');
    expect((await onA.closed).code).toBe(4409);
    await events.whenListening();
    expect(await events.listenerPid()).not.toBe(pid);
    // And it hears signals again.
    const { client: again, id: next } = await open(a);
    await b.storage.conversations.claim(next, 'b');
    expect((await again.closed).code).toBe(4409);
    await killer.end();
  });
});

describe('turns in batches, jobs on one instance at a time', () => {
  it('writes turns handed over together in one statement, each answered once committed', async () => {
    const storage = a.storage as PostgresStorage;
    const ids = Array.from({ length: 40 }, (_, i) => `batch-${i}`);
    for (const id of ids) await storage.conversations.create({ id, createdAt: new Date().toISOString(), owner: 'a' });
    // Calls through: only which statements ran is recorded.
    const spy = jest.spyOn(storage.pool, 'query');
    let texts: unknown[] = [];
    try {
      const at = new Date().toISOString();
      await Promise.all(
        ids.map((id) =>
          storage.conversations.appendTurn({
            conversationId: id,
            epoch: 1,
            messages: [{ from: 'user', text: `hello ${id}`, blockId: 'ask', at }],
            steps: [{ from: 'ask', to: 'route', event: 'user.message', at }],
            status: 'active',
            variables: {},
            currentBlock: 'route',
            at,
          }),
        ),
      );
      texts = spy.mock.calls.map((call) => call[0]);
    } finally {
      spy.mockRestore();
    }
    expect(texts.filter((text) => typeof text === 'string' && text.includes('unnest'))).toHaveLength(1);
    const stored = await queryDatabase<{ n: number }>(
      database.url,
      "SELECT COUNT(*)::integer AS n FROM messages WHERE conversation_id LIKE 'batch-%'",
    );
    expect(stored).toEqual([{ n: 40 }]);
  });

  it('runs idle expiry or retention on one instance while another holds it', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running: () => void = () => undefined;
    const aHoldsIt = new Promise<void>((resolve) => {
      running = resolve;
    });
    const first = a.storage.exclusive('retention', () => {
      running();
      return held.then(() => 'a ran it');
    });
    // B asks only once A holds the job: asked together, B may take it first and A then skips it.
    await Promise.race([aHoldsIt, first.then((result) => Promise.reject(new Error(`A did not run the job: ${String(result)}`)))]);
    await expect(b.storage.exclusive('retention', () => Promise.resolve('b ran it'))).resolves.toBeUndefined();
    release();
    await expect(first).resolves.toBe('a ran it');
    await expect(b.storage.exclusive('retention', () => Promise.resolve('b ran it'))).resolves.toBe('b ran it');
  });

  it('stores one version when identical uploads race, on one instance and on two', async () => {
    for (const servers of [
      [a, a, a, a],
      [a, b, a, b],
    ]) {
      const source = JSON.stringify({ ...defaultFlow(), name: `Raced ${servers.map((s) => (s === a ? 'a' : 'b')).join('')}` });
      const before = await queryDatabase<{ n: number }>(
        database.url,
        "SELECT COUNT(*)::int AS n FROM flow_versions WHERE bot_id = 'default'",
      );
      const answers = await Promise.all(
        servers.map((server) => checkedFetch(`${server.url}/api/flows`, { method: 'POST', headers: json, body: source })),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 200, 201]);
      const bodies = (await Promise.all(answers.map((res) => res.json()))) as Array<{ version: number }>;
      expect(new Set(bodies.map((body) => body.version)).size).toBe(1);
      const after = await queryDatabase<{ n: number }>(
        database.url,
        "SELECT COUNT(*)::int AS n FROM flow_versions WHERE bot_id = 'default'",
      );
      expect(after[0]?.n).toBe((before[0]?.n ?? 0) + 1);
    }
  });
});

describe('migrations', () => {
  it('are applied once when several instances start together on an empty database', async () => {
    const empty = await createTestDatabase();
    const pools = [1, 2, 3].map(() => new Pool({ connectionString: empty.url, max: 1 }));
    // A pool without an 'error' listener turns an idle connection's end into an unhandled error: the
    // database is dropped WITH (FORCE) at the end, which may still find one (seen in CI). Errors while
    // the migrations run are kept and fail the test.
    const errors: Error[] = [];
    let ending = false;
    for (const pool of pools) pool.on('error', (err) => void (ending || errors.push(err)));
    try {
      const applied = await Promise.all(
        pools.map(async (pool) => {
          const client = await pool.connect();
          try {
            return await applyPgMigrations(client);
          } finally {
            client.release();
          }
        }),
      );
      expect(applied.filter((versions) => versions.length > 0)).toEqual([[8, 9]]);
      expect(applied.filter((versions) => versions.length === 0)).toHaveLength(2);
      const rows = await queryDatabase<{ version: number }>(empty.url, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual([8, 9]);
      expect(await queryDatabase(empty.url, 'SELECT id FROM bots')).toEqual([{ id: 'default' }]);
      expect(errors).toEqual([]);
    } finally {
      ending = true;
      await Promise.all(pools.map((pool) => pool.end()));
      await empty.drop();
    }
  });
});
