/** GET /api/flows/{version}/stats over real HTTP, on a database seeded with known conversations. */
import { checkedFetch } from '../support/http-client';
import { defaultFlow } from '../support/flows';
import { seedConversation, seedKnownConversations } from '../support/stats-seed';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ seedDefaultFlow: false });
  await seedKnownConversations(server.storage);
});
afterAll(() => server.close(true));

async function stats(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await checkedFetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/flows/{version}/stats', () => {
  it('answers every number of the seeded conversations', async () => {
    const r = await stats('/api/flows/1/stats');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      version: 1,
      conversations: { total: 3, active: 1, completed: 1, abandoned: 1 },
      blocks: [
        { id: 'welcome', entered: 3, droppedHere: 0 },
        { id: 'ask', entered: 7, droppedHere: 1 },
        { id: 'route', entered: 5, droppedHere: 0 },
        { id: 'clarify', entered: 3, droppedHere: 0 },
        { id: 'weather', entered: 1, droppedHere: 0 },
        { id: 'travel', entered: 0, droppedHere: 0 },
        { id: 'food', entered: 0, droppedHere: 0 },
        { id: 'handover', entered: 0, droppedHere: 0 },
        { id: 'goodbye', entered: 1, droppedHere: 0 },
        { id: 'nightsAsk', entered: 0, droppedHere: 0 },
        { id: 'nights', entered: 0, droppedHere: 0 },
        { id: 'countOffer', entered: 0, droppedHere: 0 },
        { id: 'pickOffer', entered: 0, droppedHere: 0 },
        { id: 'longStay', entered: 0, droppedHere: 0 },
        { id: 'oneNight', entered: 0, droppedHere: 0 },
        { id: 'shortBreak', entered: 0, droppedHere: 0 },
        { id: 'pause', entered: 0, droppedHere: 0 },
      ],
      transitions: [
        { from: 'ask', to: 'route', event: 'user.message', count: 5 },
        { from: 'clarify', to: 'ask', event: 'next', count: 3 },
        { from: 'welcome', to: 'ask', event: 'next', count: 3 },
        { from: 'route', to: 'clarify', event: 'intent.noMatch', count: 2 },
        { from: 'route', to: 'clarify', event: 'intent.error', count: 1 },
        { from: 'route', to: 'goodbye', event: 'intent.matched', count: 1 },
        { from: 'route', to: 'weather', event: 'intent.matched', count: 1 },
        { from: 'weather', to: 'ask', event: 'next', count: 1 },
      ],
      intents: [{ block: 'route', matched: { weather: 1, bye: 1 }, noMatch: 2, errors: 1, fallbacks: 1, latencyMs: { p50: 20, p95: 40 } }],
      misunderstood: [{ block: 'route', text: 'asdf', count: 2, lastAt: '2026-01-03T10:01:00.000Z' }],
    });
  });

  it('takes since and until (dates or date-times), "current", and refuses a bad instant or version', async () => {
    const r = await stats('/api/flows/1/stats?since=2026-01-02&until=2026-01-03T00:00:00Z');
    expect(r.body.conversations).toEqual({ total: 1, active: 0, completed: 0, abandoned: 1 });
    const current = await stats('/api/flows/current/stats');
    expect(current.body).toMatchObject({ version: 2, conversations: { total: 1, abandoned: 1 } });
    expect((current.body.intents as Array<{ latencyMs: unknown }>)[0]?.latencyMs).toEqual({ p50: 999, p95: 999 });
    const bad = await stats('/api/flows/1/stats?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_parameter' });
    expect((await stats('/api/flows/1/stats?since=2026-02-01&until=2026-01-01')).status).toBe(400);
    expect((await stats('/api/flows/9/stats')).status).toBe(404);
  });

  it('says what an instant looks like for every bad since= or until=, naming the parameter and the value', async () => {
    const shape =
      'is not an ISO-8601 date or date-time: write it like 2026-12-01 (midnight UTC) or 2026-12-01T13:00:00Z ' +
      '(Z or an offset like +02:00 may end it; without one it is UTC)';
    for (const value of ['2026', 'yesterday', '2026-02-30', '2026-13-01', '2026-12-01T25:00:00Z', '2026-12-01T10']) {
      const bad = await stats(`/api/flows/1/stats?since=${value}`);
      expect([bad.status, bad.body]).toEqual([400, { code: 'invalid_parameter', message: `since="${value}" ${shape}` }]);
    }
    expect((await stats(`/api/flows/1/stats?until=${encodeURIComponent('2026-02-01T00:00:00+0100')}`)).body).toEqual({
      code: 'invalid_parameter',
      message: `until="2026-02-01T00:00:00+0100" ${shape}`,
    });
    expect((await stats('/api/flows/1/stats?since=2026-02-01&until=2026-01-01')).body).toEqual({
      code: 'invalid_parameter',
      message: 'since (2026-02-01T00:00:00.000Z) must not be after until (2026-01-01T00:00:00.000Z)',
    });
    // Without a zone, UTC: the same answer as with Z, whatever the server's time zone.
    const bare = await stats('/api/flows/1/stats?since=2026-01-02T00:00&until=2026-01-03T00:00:00');
    expect(bare.body.conversations).toEqual({ total: 1, active: 0, completed: 0, abandoned: 1 });
    // An unencoded + arrives as a space: still the offset it was meant to be.
    const offset = await stats('/api/flows/1/stats?since=2026-01-02T01:00:00+01:00&until=2026-01-03T00:00:00Z');
    expect(offset.body.conversations).toEqual({ total: 1, active: 0, completed: 0, abandoned: 1 });
    // A fraction finer than milliseconds (Python's isoformat() writes microseconds): kept to the millisecond.
    const micro = await stats(
      `/api/flows/1/stats?since=${encodeURIComponent('2026-01-02T00:00:00.123456+00:00')}&until=2026-01-03T00:00:00.999999999Z`,
    );
    expect([micro.status, micro.body.conversations]).toEqual([200, { total: 1, active: 0, completed: 0, abandoned: 1 }]);
  });

  it('takes a space for the T (%20 or +), lower-case t and z, and 24:00 as the end of a day, nothing after it', async () => {
    const oneDay = { total: 1, active: 0, completed: 0, abandoned: 1 };
    for (const query of [
      'since=2026-01-02%2000:00:00Z&until=2026-01-02+24:00',
      'since=2026-01-02+00:00:00+00:00&until=2026-01-03%2000:00%2B00:00',
      'since=2026-01-01t23:00:00-01:00&until=2026-01-02t24:00:00z',
    ]) {
      const r = await stats(`/api/flows/1/stats?${query}`);
      expect([query, r.status, r.body.conversations]).toEqual([query, 200, oneDay]);
    }
    // The day before, to its end: only the one that started on it.
    const before = await stats('/api/flows/1/stats?since=2026-01-01&until=2026-01-01T24:00:00Z');
    expect(before.body.conversations).toEqual({ total: 1, active: 0, completed: 1, abandoned: 0 });
    const late = await stats('/api/flows/1/stats?until=2026-01-02T24:00:01Z');
    expect([late.status, late.body]).toMatchObject([
      400,
      { code: 'invalid_parameter', message: expect.stringContaining('until="2026-01-02T24:00:01Z"') },
    ]);
  });
});

describe('GET /api/bots/{bot}/flows/{version}/stats', () => {
  it("counts that bot's conversations only; 404 unknown_bot for a bot that does not exist", async () => {
    await server.storage.bots.create({ id: 'shop', name: 'Shop', createdAt: '2026-01-01T00:00:00.000Z' });
    const flow = defaultFlow();
    await server.storage.bots.flows('shop').create({ flow, source: JSON.stringify(flow), createdAt: '2026-01-01T00:00:00.000Z' });
    await seedConversation(
      server.storage,
      { id: 'shop-1', bot: 'shop', flowVersion: 1, createdAt: '2026-01-05T10:00:00.000Z', status: 'abandoned', currentBlock: 'ask' },
      [
        {
          messages: [['bot', 'Hi!', 'welcome']],
          steps: [
            [null, 'welcome', 'start'],
            ['welcome', 'ask', 'next'],
          ],
        },
      ],
    );
    const shop = await stats('/api/bots/shop/flows/1/stats');
    expect(shop.status).toBe(200);
    expect(shop.body).toMatchObject({
      version: 1,
      conversations: { total: 1, active: 0, completed: 0, abandoned: 1 },
      transitions: [{ from: 'welcome', to: 'ask', event: 'next', count: 1 }],
      misunderstood: [],
    });
    expect((shop.body.blocks as Array<{ id: string }>).find((b) => b.id === 'ask')).toEqual({ id: 'ask', entered: 1, droppedHere: 1 });
    // The default bot's version 1 is untouched by the other bot's conversation.
    const ours = await stats('/api/flows/1/stats');
    expect(ours.body.conversations).toEqual({ total: 3, active: 1, completed: 1, abandoned: 1 });
    const missing = await stats('/api/bots/nobody/flows/1/stats');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'unknown_bot' });
  });
});
