import { Cluster } from '../support/cluster/cluster';
import { LISTENER_BACKENDS } from '../support/cluster/database';
import { counterFlow } from '../support/cluster/flows';
import type { Instance } from '../support/cluster/instance';
import { within } from '../support/cluster/within';
import { checkedFetch } from '../support/http-client';
import { until } from '../support/logged-process';
import { ChatClient } from '../support/ws-client';

/**
 * Three instances started at the same moment on an empty database: the schema is made once and the
 * bundled flow stored once. Then the connection each instance LISTENs on is killed from the server
 * side (pg_terminate_backend): each reconnects, and the signals work again (a takeover closes the
 * old socket with 4409 without the old owner sending anything).
 */

// Real processes on two shared cores: starting a cluster and its load take longer than a unit test.
jest.setTimeout(180_000);

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ instances: 3, storage: 'postgres', label: 'boot', startTogether: true });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('instances starting together, and their signal listeners', () => {
  it('applies the migrations once and stores the bundled flow once when three instances start together', async () => {
    const db = cluster.database!;
    const applied = await db.query<{ version: number; n: string }>(
      'SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version',
    );
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.every((row) => row.n === '1')).toBe(true);
    expect(await db.query('SELECT id FROM bots')).toEqual([{ id: 'default' }]);
    expect(await db.query(`SELECT version FROM flow_versions WHERE bot_id = 'default'`)).toEqual([{ version: 1 }]);
    for (const instance of cluster.instances) expect(await instance.health()).toMatchObject({ status: 'ok', flowVersion: 1 });
  });

  it('reconnects a listener killed with pg_terminate_backend and hears takeovers again', async () => {
    const db = cluster.database!;
    const before = (await db.query<{ pid: number }>(LISTENER_BACKENDS, [null])).map((r) => r.pid);
    expect(before.length).toBeGreaterThanOrEqual(cluster.instances.length);
    const killed = await db.query<{ done: boolean }>(`SELECT pg_terminate_backend(pid) AS done FROM (${LISTENER_BACKENDS}) AS l`, [null]);
    expect(killed.every((r) => r.done)).toBe(true);
    // Each instance notices, reconnects and LISTENs again on a new backend.
    await until(async () => {
      const now = (await db.query<{ pid: number }>(LISTENER_BACKENDS, [null])).map((r) => r.pid);
      return now.length >= cluster.instances.length && now.every((pid) => !before.includes(pid));
    }, 'every instance to LISTEN again');

    const [A, B] = cluster.instances as [Instance, Instance];
    const post = (path: string, body: unknown): Promise<Response> =>
      checkedFetch(`${A.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/bots', { id: 'counter' })).status).toBe(201);
    expect((await post('/api/bots/counter/flows', counterFlow())).status).toBe(201);
    const a = await ChatClient.connect(`${A.wsUrl}?bot=counter`);
    const id = String((await a.next('conversation')).conversationId);
    await a.until('waiting');
    const b = await ChatClient.connect(`${B.wsUrl}?conversationId=${id}`);
    expect(await b.next('conversation')).toMatchObject({ resumed: true });
    // A hears of the takeover through its new listener: nothing was sent on its socket.
    expect((await within(a.closed, 10_000, 'A closing the socket it lost')).code).toBe(4409);
    expect(await b.next('waiting')).toMatchObject({ blockId: 'ask' });
    expect(await b.ask('one')).toEqual(['1: one']);
    await b.close();
  });
});
