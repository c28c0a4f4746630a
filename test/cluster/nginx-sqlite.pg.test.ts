import { Cluster } from '../support/cluster/cluster';
import { counterFlow } from '../support/cluster/flows';
import { checkedFetch } from '../support/http-client';
import { ChatClient } from '../support/ws-client';

/**
 * The harness and deploy/nginx.conf with one instance on SQLite (no database server needed): the
 * WebSocket upgrade, resumes, bots, previews and erasure all pass through nginx unchanged, and what
 * flowbot answers (its own 413, its refusals before the upgrade) reaches the client as flowbot sent it.
 */

// Real processes on two shared cores: starting a cluster and its load take longer than a unit test.
jest.setTimeout(180_000);

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ instances: 1, storage: 'sqlite', label: 'lbsqlite' });
});

afterAll(async () => {
  await cluster?.stop();
});

const post = (path: string, body: unknown): Promise<Response> =>
  checkedFetch(`${cluster.lb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('one flowbot behind nginx (deploy/nginx.conf)', () => {
  it('answers /health through nginx from the instance', async () => {
    const res = await checkedFetch(`${cluster.lb.url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('ok');
    expect(cluster.lb.accessLog()).toContain(`200 127.0.0.1:${cluster.instances[0]?.port} GET /health`);
  });

  it('upgrades /ws, chats, and resumes through nginx', async () => {
    const first = await ChatClient.connect(cluster.lb.wsUrl);
    const hello = await first.next('conversation');
    expect(hello.resumed).toBe(false);
    await first.until('waiting');
    const id = String(hello.conversationId);
    await first.close();

    const again = await ChatClient.connect(`${cluster.lb.wsUrl}?conversationId=${id}`);
    expect(await again.next('conversation')).toMatchObject({ conversationId: id, resumed: true });
    expect(await again.next('waiting')).toMatchObject({ blockId: 'ask' });
    expect(await again.ask('will it rain tomorrow?')).toHaveLength(1);
    await again.close();
  });

  it('passes bots, previews and erasure through', async () => {
    expect((await post('/api/bots', { id: 'counter' })).status).toBe(201);
    expect((await post('/api/bots/counter/flows', counterFlow())).status).toBe(201);
    expect((await post('/api/bots/counter/flows?activate=false', counterFlow('Counter two'))).status).toBe(201);

    const live = await ChatClient.connect(`${cluster.lb.wsUrl}?bot=counter`);
    expect(await live.next('conversation')).toMatchObject({ bot: 'counter', flowVersion: 1 });
    await live.until('waiting');
    expect(await live.ask('one')).toEqual(['1: one']);
    const preview = await ChatClient.connect(`${cluster.lb.wsUrl}?bot=counter&version=2`);
    expect(await preview.next('conversation')).toMatchObject({ bot: 'counter', flowVersion: 2 });
    expect(await preview.next('message')).toMatchObject({ text: 'Counter two: say anything.' });
    await preview.close();

    const id = String(live.frames[0]?.conversationId);
    const erased = await checkedFetch(`${cluster.lb.url}/api/conversations/${id}`, { method: 'DELETE' });
    expect(erased.status).toBe(204);
    expect(await live.closed).toMatchObject({ code: 4410 });
    expect(live.frames.at(-1)).toMatchObject({ type: 'error', code: 'conversation_erased' });
  });

  it("gives flowbot's own answers, not nginx's: a refused upgrade and an oversized upload", async () => {
    await expect(ChatClient.connect(`${cluster.lb.wsUrl}?bot=Not%20a%20bot`)).rejects.toThrow(/upgrade refused: 400/);
    const big = await post('/api/flows', { ...counterFlow(), description: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: string }).code).toBe('payload_too_large');
    // Oversized headers too: flowbot's own 431 in its error shape, not nginx's HTML 400 page.
    const padded = await checkedFetch(`${cluster.lb.url}/api/flows`, { headers: { 'x-padding': 'a'.repeat(20_000) } });
    expect(padded.status).toBe(431);
    expect(((await padded.json()) as { code: string }).code).toBe('headers_too_large');
  });
});
