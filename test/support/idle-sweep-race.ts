import { checkedFetch } from './http-client';
import type { FakeDetector } from './fake-detector';
import { pizzaFlow } from './flows';
import type { ManualClock } from './manual-clock';
import type { TestServer } from './test-server';
import { ChatClient } from './ws-client';

/** The server's IDLE_TIMEOUT_MS in these scenarios: its own sweep (every minute) never runs during a test. */
export const IDLE_MS = 30 * 60 * 1000;

interface Stored {
  status: string;
  messages: Array<{ from: string; text: string }>;
  steps: Array<{ event: string }>;
}

async function stored(server: TestServer, id: string): Promise<Stored> {
  return (await (await checkedFetch(`${server.url}/api/conversations/${id}`)).json()) as Stored;
}

async function open(server: TestServer): Promise<{ client: ChatClient; id: string }> {
  const client = await ChatClient.connect(server.wsUrl);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');
  return { client, id };
}

/**
 * What a client of `server` sees when the idle sweep that runs for every instance (`sweep`: another
 * instance's, or the storage's directly) marks its conversation abandoned before `server`'s own sweep
 * closed the socket. `clocks`: every clock that must move (the server's, and the sweeping instance's).
 */
export async function idleSweepRace(
  server: TestServer,
  detector: FakeDetector,
  clocks: ManualClock[],
  sweep: () => Promise<number>,
): Promise<void> {
  const advance = (ms: number): void => clocks.forEach((clock) => clock.advance(ms));

  // Idle past the timeout: the next message is refused and the socket closed as its own sweep would.
  const idle = await open(server);
  advance(IDLE_MS + 1000);
  await expect(sweep()).resolves.toBe(1);
  idle.client.say('weather');
  expect(await idle.client.next('error')).toMatchObject({ code: 'conversation_expired' });
  expect((await idle.client.closed).code).toBe(4408);
  const expired = await stored(server, idle.id);
  expect(expired.status).toBe('abandoned');
  expect(expired.messages.map((m) => m.from)).toEqual(['bot']);

  // Its message came in time but its turn was still in flight when the sweep ran: it goes on.
  const busy = await open(server);
  detector.hold();
  const calls = detector.calls.length;
  busy.client.say('weather');
  for (let i = 0; i < 200 && detector.calls.length === calls; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  advance(IDLE_MS + 1000);
  await expect(sweep()).resolves.toBe(1);
  detector.release();
  expect((await busy.client.until('waiting')).some((frame) => frame.type === 'message')).toBe(true);
  const revived = await stored(server, busy.id);
  expect(revived.status).toBe('active');
  expect(revived.messages.map((m) => m.from)).toEqual(['bot', 'user', 'bot']);
  await busy.client.close();
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await checkedFetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

/**
 * A silence that comes due after the conversation has been idle past the timeout (a `noReply` longer
 * than IDLE_TIMEOUT_MS), once the sweep that runs for every instance marked it abandoned: the timer's
 * turn began too late to count as in flight, so it is refused as a late message is, and nothing of it
 * is stored. The silence runs on real timers (one second) and the clocks are moved by hand: when it
 * comes due, the clocks say the conversation has been idle for IDLE_MS and a second.
 */
export async function idleSilenceRace(server: TestServer, clocks: ManualClock[], sweep: () => Promise<number>): Promise<void> {
  const bot = 'silence';
  await post(`${server.url}/api/bots`, { id: bot, name: 'Silence' });
  await post(`${server.url}/api/bots/${bot}/flows`, pizzaFlow({ afterSeconds: 1 }));
  const client = await ChatClient.connect(`${server.wsUrl}?bot=${bot}`);
  const id = String((await client.next('conversation')).conversationId);
  await client.until('waiting');

  clocks.forEach((clock) => clock.advance(IDLE_MS + 1000));
  await sweep();
  // Marked before the silence came due: had the timer's turn been stored first, it would still be active.
  expect((await stored(server, id)).status).toBe('abandoned');
  expect(await client.next('error')).toMatchObject({ code: 'conversation_expired' });
  expect((await client.closed).code).toBe(4408);
  const expired = await stored(server, id);
  expect(expired.status).toBe('abandoned');
  expect(expired.messages.map((m) => m.text)).toEqual(['Hi there! Small or large?']);
  expect(expired.steps.filter((step) => step.event.startsWith('silence'))).toEqual([]);
}
