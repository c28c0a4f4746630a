import type { Flow } from '../../src/flow/types';
import { checkedFetch } from '../support/http-client';
import { FakeDetector } from '../support/fake-detector';
import { pizzaFlow } from '../support/flows';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient, type Frame } from '../support/ws-client';

/** The second edition of the flow language over a real WebSocket, on a server with its own flow. */

async function upload(server: TestServer, flow: Flow): Promise<void> {
  const res = await checkedFetch(`${server.url}/api/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(flow),
  });
  expect(res.status).toBe(201);
}

async function connect(server: TestServer): Promise<{ client: ChatClient; conversationId: string; first: Frame[] }> {
  const client = await ChatClient.connect(server.wsUrl);
  const { conversationId } = await client.next('conversation');
  return { client, conversationId: String(conversationId), first: await client.until('waiting') };
}

/** Frames up to and including the next `waiting` or `end`. */
async function turn(client: ChatClient): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (;;) {
    const frame = await client.next();
    frames.push(frame);
    if (frame.type === 'waiting' || frame.type === 'end') return frames;
  }
}

const texts = (frames: Frame[]): string[] => frames.filter((f) => f.type === 'message').map((f) => String(f.text));

interface History {
  variables: Record<string, unknown>;
  messages: Array<{ from: string; text: string }>;
  steps: Array<{ from: string | null; to: string; event: string; case?: number; choice?: string }>;
}

async function history(server: TestServer, id: string): Promise<History> {
  return (await (await checkedFetch(`${server.url}/api/conversations/${id}`)).json()) as History;
}

describe('flow language, second edition, over a real WebSocket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector(), seedDefaultFlow: false });
    await upload(server, pizzaFlow({ afterSeconds: 1 }));
  });
  afterAll(() => server.close(true));

  it('buttons: the waiting frame carries them; picked by label, by value and by a choice frame', async () => {
    const byLabel = await connect(server);
    expect(byLabel.first.at(-1)).toEqual({
      type: 'waiting',
      blockId: 'size',
      choices: [
        { label: 'Small', value: 'S' },
        { label: 'Large', value: 'L' },
      ],
      choicesOnly: true,
    });
    expect(await byLabel.client.ask('large')).toEqual(['Large, good choice.']);
    await byLabel.client.close();

    const byValue = await connect(server);
    byValue.client.say(' s ');
    expect((await turn(byValue.client)).at(-1)).toEqual({ type: 'waiting', blockId: 'qty' });
    await byValue.client.close();

    const byFrame = await connect(server);
    byFrame.client.send(JSON.stringify({ type: 'choice', value: 'L' }));
    expect(texts(await turn(byFrame.client))).toEqual(['Large, good choice.']);
    await byFrame.client.close();

    const label = await history(server, byLabel.conversationId);
    expect(label.steps.find((s) => s.event === 'choice')).toMatchObject({ from: 'size', to: 'upsell', choice: 'L' });
    expect(label.variables).toMatchObject({ size: 'L' });
    expect((await history(server, byValue.conversationId)).steps.find((s) => s.event === 'choice')).toMatchObject({
      to: 'count',
      choice: 'S',
    });
    const frame = await history(server, byFrame.conversationId);
    expect(frame.messages.find((m) => m.from === 'user')).toMatchObject({ text: 'L' });
  });

  it('never takes a substring for a choice, and says the invalid text instead', async () => {
    const { client } = await connect(server);
    expect(await client.ask('smallish')).toEqual(['Please pick Small or Large.']);
    await client.close();
  });

  it('expect integer: two wrong answers then a right one, stored as a number; a condition on it', async () => {
    const { client, conversationId } = await connect(server);
    await client.ask('Small');
    expect(await client.ask('zero')).toEqual(['From 1 to 10, please (zero is not).']);
    expect(await client.ask('12')).toEqual(['From 1 to 10, please (12 is not).']);
    expect(await client.ask('6')).toEqual(['6 pizzas (size S): a party! Order 1.']);
    await client.close();
    const h = await history(server, conversationId);
    expect(h.variables).toMatchObject({ qty: 6, orders: 1, size: 'S' });
    expect(h.steps.map((s) => s.event)).toEqual([
      'start',
      'next',
      'choice',
      'next',
      'answer.invalid',
      'answer.invalid',
      'user.message',
      'condition.case',
      'next',
    ]);
    expect(h.steps.find((s) => s.event === 'condition.case')).toMatchObject({ to: 'party', case: 0 });
  });

  it('expect integer: maxTries misfits in a row go to invalid.next', async () => {
    const { client, conversationId } = await connect(server);
    await client.ask('Small');
    await client.ask('a');
    await client.ask('b');
    client.say('c');
    const last = await turn(client);
    expect(texts(last)).toEqual(['Let me get a person.']);
    expect(last.at(-1)).toEqual({ type: 'end', blockId: 'handoff' });
    expect((await client.closed).code).toBe(1000);
    expect((await history(server, conversationId)).steps.at(-1)).toMatchObject({ from: 'qty', to: 'handoff', event: 'answer.maxTries' });
  });

  it('noReply after 1 second: reprompts, then reaches next on the second silence', async () => {
    const { client, conversationId } = await connect(server);
    const started = Date.now();
    const reprompt = await turn(client);
    expect(texts(reprompt)).toEqual(['Are you still there?']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const goodbye = await turn(client);
    expect(texts(goodbye)).toEqual(['Bye!']);
    expect(goodbye.at(-1)).toEqual({ type: 'end', blockId: 'goodbye' });
    const h = await history(server, conversationId);
    expect(h.steps.slice(-2).map((s) => [s.from, s.to, s.event])).toEqual([
      ['size', 'size', 'silence'],
      ['size', 'goodbye', 'silence.maxTimes'],
    ]);
  });

  it('noReply does not fire while the user keeps writing', async () => {
    const { client, conversationId } = await connect(server);
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 600));
    // Three messages 600 ms apart: 1.8 s at the block, never 1 s of silence.
    await pause();
    expect(await client.ask('hmm')).toEqual(['Please pick Small or Large.']);
    await pause();
    expect(await client.ask('hmm?')).toEqual(['Please pick Small or Large.']);
    await pause();
    await client.ask('Small'); // on to qty, which has no silence clock
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await history(server, conversationId)).steps.filter((s) => s.event.startsWith('silence'))).toEqual([]);
    await client.close();
  });

  it('the silence clock stops with the connection and starts again on a resume', async () => {
    const { client, conversationId } = await connect(server);
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await history(server, conversationId)).steps.filter((s) => s.event.startsWith('silence'))).toEqual([]);
    const resumed = await ChatClient.connect(`${server.wsUrl}?conversationId=${conversationId}`);
    await resumed.next('conversation');
    expect(await resumed.next('waiting')).toMatchObject({ blockId: 'size', choices: [{ label: 'Small' }, { label: 'Large' }] });
    expect(texts(await turn(resumed))).toEqual(['Are you still there?']);
    await resumed.close();
  });
});

describe('free text at a wait with buttons', () => {
  it('falls through to the intent block of the default flow', async () => {
    const server = await startTestServer({ detector: new FakeDetector() });
    try {
      const { client } = await connect(server);
      expect(await client.ask('weather')).toEqual(['It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?']);
      client.send(JSON.stringify({ type: 'choice', value: 'tips' }));
      expect(texts(await turn(client))).toEqual(['Try Casa Nostra, the best pasta in town. Anything else?']);
      await client.close();
    } finally {
      await server.close(true);
    }
  });
});

describe('a flow using every block, resumed after a server restart mid-conversation', () => {
  it('keeps its variables and counts, and goes on where it waited', async () => {
    const first = await startTestServer({ detector: new FakeDetector(), seedDefaultFlow: false });
    await upload(first, pizzaFlow());
    const { client, conversationId } = await connect(first);
    await client.ask('Large');
    expect(await client.ask('11')).toEqual(['From 1 to 10, please (11 is not).']);
    await first.close();
    await client.closed;

    const second = await startTestServer({ detector: new FakeDetector(), dbPath: first.dbPath, seedDefaultFlow: false });
    try {
      const resumed = await ChatClient.connect(`${second.wsUrl}?conversationId=${conversationId}`);
      await resumed.next('conversation');
      expect(await resumed.next('waiting')).toEqual({ type: 'waiting', blockId: 'qty' });
      // One misfit before the restart: two more in a row reach maxTries (3).
      expect(await resumed.ask('x')).toEqual(['From 1 to 10, please (x is not).']);
      expect(await resumed.ask('2')).toEqual(['2 pizzas (size L). Order 1.']);
      expect(await resumed.ask('again')).toEqual(['Hi there! Small or large?']);
      expect(await resumed.ask('Small')).toEqual([]);
      expect(await resumed.ask('5')).toEqual(['5 pizzas (size S): a party! Order 2.']);
      expect(await resumed.ask('bye')).toEqual(['Bye!']);
      const h = await history(second, conversationId);
      expect(h.variables).toMatchObject({ size: 'S', qty: 5, orders: 2, summary: 'size S' });
      expect(h.steps.filter((s) => s.event === 'condition.case').map((s) => s.case)).toEqual([1, 0]);
    } finally {
      await second.close(true);
    }
  });
});
