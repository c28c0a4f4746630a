import { checkedFetch } from '../support/http-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { ThrowawayPostgres } from '../support/throwaway-postgres';
import { ChatClient, type Frame } from '../support/ws-client';

/**
 * The database restarts under load (a throwaway cluster of this test's own, never the machine's):
 * clients are told `storage_unavailable` meanwhile, and once it is back the same flowbot serves
 * them again, resumes included, without being restarted.
 */
let cluster: ThrowawayPostgres;
let server: TestServer;

beforeAll(async () => {
  cluster = await ThrowawayPostgres.create();
  server = await startTestServer({ databaseUrl: cluster.url });
});
afterAll(async () => {
  await server?.close();
  cluster?.destroy();
});

async function until(condition: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const healthStatus = async (): Promise<number> => (await checkedFetch(`${server.url}/health`)).status;

/** A client that talks until it is closed: what a busy server has at the moment the database goes. */
async function talker(): Promise<{ client: ChatClient; id: string; done: Promise<void> }> {
  const client = await ChatClient.connect(server.wsUrl);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');
  const done = (async () => {
    for (;;) {
      try {
        await client.ask('is it going to snow this weekend?');
      } catch {
        return;
      }
    }
  })();
  return { client, id, done };
}

describe('PostgreSQL restarted under load', () => {
  it('answers storage_unavailable while it is down, then serves again without a flowbot restart', async () => {
    expect(await healthStatus()).toBe(200);
    const talkers = await Promise.all(Array.from({ length: 6 }, () => talker()));
    cluster.stop();
    // Every talker's next turn cannot be stored: it is told so and closed with 4503.
    for (const { client, done } of talkers) {
      await done;
      const errorFrame = client.frames.find((f: Frame) => f.type === 'error');
      expect(errorFrame).toMatchObject({ code: 'storage_unavailable' });
      expect((await client.closed).code).toBe(4503);
    }
    expect(await healthStatus()).toBe(503);
    const refused = await ChatClient.connect(server.wsUrl);
    expect(await refused.next('error')).toMatchObject({ code: 'storage_unavailable' });
    expect((await refused.closed).code).toBe(4503);

    cluster.start();
    await until(async () => (await healthStatus()) === 200);
    // New conversations and resumes of the ones cut off: the same process, new connections to the database.
    const fresh = await ChatClient.connect(server.wsUrl);
    expect(await fresh.next('conversation')).toMatchObject({ resumed: false });
    await fresh.until('waiting');
    expect(await fresh.ask('cheap flights to Rome?')).toHaveLength(1);
    await fresh.close();
    for (const { id } of talkers) {
      const again = await ChatClient.connect(`${server.wsUrl}?conversationId=${id}`);
      expect(await again.next('conversation')).toMatchObject({ conversationId: id, resumed: true });
      await again.until('waiting');
      expect(await again.ask('and restaurants?')).toHaveLength(1);
      await again.close();
    }
    // The signal listener reconnected too.
    const events = (server.storage as unknown as { events: { whenListening(): Promise<void> } }).events;
    await events.whenListening();
  });
});
