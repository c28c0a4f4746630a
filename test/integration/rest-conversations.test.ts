import { checkedFetch } from '../support/http-client';
import { ChatClient } from '../support/ws-client';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ detector: new FakeDetector() });
});
afterAll(() => server.close(true));

interface Page {
  items: Array<{ id: string; status: string; flowVersion: number; currentBlock: string | null }>;
  nextCursor: string | null;
}

describe('conversations REST API', () => {
  it('pages through every conversation newest first, without gaps or repeats', async () => {
    for (let i = 0; i < 25; i++) {
      await server.storage.conversations.create({
        id: `c${String(i).padStart(2, '0')}`,
        flowVersion: 1,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await checkedFetch(`${server.url}/api/conversations${query}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `c${String(24 - i).padStart(2, '0')}`));
  });

  it('rejects a bad limit or cursor with 400', async () => {
    for (const query of ['?limit=0', '?limit=101', '?limit=ten']) {
      const res = await checkedFetch(`${server.url}/api/conversations${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_parameter' });
    }
    const res = await checkedFetch(`${server.url}/api/conversations?cursor=garbage`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_cursor' });
  });

  it('returns one conversation with its messages and steps, and 404 for an unknown id', async () => {
    const client = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    await client.ask('travel');
    await client.close();
    const res = await checkedFetch(`${server.url}/api/conversations/${String(conversationId)}`);
    expect(await res.json()).toEqual({
      id: conversationId,
      flowVersion: 1,
      status: 'active',
      variables: { lastMessage: 'travel', request: 'travel', intent: 'travel' },
      currentBlock: 'ask',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      messages: [
        { from: 'bot', text: expect.stringContaining('Hi!'), blockId: 'welcome', at: expect.any(String) },
        { from: 'user', text: 'travel', blockId: 'ask', at: expect.any(String) },
        { from: 'bot', text: expect.stringContaining('Lisbon'), blockId: 'travel', at: expect.any(String) },
      ],
      steps: [
        { from: null, to: 'welcome', event: 'start', at: expect.any(String) },
        { from: 'welcome', to: 'ask', event: 'next', at: expect.any(String) },
        { from: 'ask', to: 'route', event: 'user.message', at: expect.any(String) },
        {
          from: 'route',
          to: 'travel',
          event: 'intent.matched',
          intent: 'travel',
          provider: 'local',
          latencyMs: expect.any(Number),
          confidence: 1,
          at: expect.any(String),
        },
        { from: 'travel', to: 'ask', event: 'next', at: expect.any(String) },
      ],
    });
    const list = (await (await checkedFetch(`${server.url}/api/conversations?limit=1`)).json()) as Page;
    expect(list.items[0]).toMatchObject({ id: conversationId, status: 'active', currentBlock: 'ask' });
    const missing = await checkedFetch(`${server.url}/api/conversations/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
  });
});
