import type { LocalStorageEvents } from '../../src/storage/local-events';
import { checkedFetch } from '../support/http-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

/**
 * Ownership on SQLite, one process: a claim by another owner (what a resume on another instance
 * does) ends this one's socket with 4409, whether it hears of the claim or only finds out when its
 * next turn is refused; nothing of that turn is stored or shown. (On PostgreSQL, across instances:
 * instances.pg.test.ts.)
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close(true));

const WELCOME = 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?';

async function open(): Promise<{ client: ChatClient; id: string }> {
  const client = await ChatClient.connect(server.wsUrl);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');
  return { client, id };
}

async function storedTexts(id: string): Promise<string[]> {
  const res = await checkedFetch(`${server.url}/api/conversations/${id}`);
  return ((await res.json()) as { messages: Array<{ text: string }> }).messages.map((m) => m.text);
}

describe('conversation ownership on SQLite', () => {
  it('closes the socket with 4409 when another owner claims the conversation', async () => {
    const { client, id } = await open();
    await expect(server.storage.conversations.claim(id, 'elsewhere')).resolves.toMatchObject({ epoch: 2 });
    expect(await client.next('error')).toMatchObject({ code: 'replaced' });
    expect((await client.closed).code).toBe(4409);
  });

  it('refuses the turn of an owner that did not hear it lost the conversation: nothing stored, nothing shown', async () => {
    const { client, id } = await open();
    const events = server.storage.events as LocalStorageEvents;
    const deliver = events.deliver.bind(events);
    events.deliver = () => undefined;
    try {
      await server.storage.conversations.claim(id, 'elsewhere');
      client.say('is it going to snow this weekend?');
      expect(await client.next('error')).toMatchObject({ code: 'replaced' });
      expect((await client.closed).code).toBe(4409);
    } finally {
      events.deliver = deliver;
    }
    expect(client.frames.filter((f) => f.type === 'message').map((f) => f.text)).toEqual([WELCOME]);
    expect(await storedTexts(id)).toEqual([WELCOME]);
  });

  it('resumes a conversation claimed elsewhere here again, on a new epoch', async () => {
    const { client, id } = await open();
    await client.close();
    await server.storage.conversations.claim(id, 'elsewhere');
    const again = await ChatClient.connect(`${server.wsUrl}?conversationId=${id}`);
    expect(await again.next('conversation')).toMatchObject({ resumed: true });
    await again.until('waiting');
    expect(await again.ask('is it going to snow this weekend?')).toHaveLength(1);
    await expect(server.storage.conversations.epochs([id])).resolves.toEqual(new Map([[id, 3]]));
    await again.close();
  });
});
