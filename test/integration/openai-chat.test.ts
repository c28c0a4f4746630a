import { checkedFetch } from '../support/http-client';
import { type OpenAiStubServer, reply } from '../support/openai-stub-server';
import { startOpenAiTestServer } from '../support/openai-test-server';
import { ChatClient } from '../support/ws-client';
import type { TestServer } from '../support/test-server';

/**
 * A whole WebSocket conversation through the real server, with the real openai SDK pointed at a stub
 * OpenAI-compatible server on 127.0.0.1: routing by the model's answer, and every failure ending in a
 * reply and a `waiting` frame within the deadline, with the fallback recorded in the history.
 */
describe('WebSocket chat with the OpenAI provider (stub server)', () => {
  let stub: OpenAiStubServer;
  let server: TestServer;

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stub, server, close } = await startOpenAiTestServer());
  });
  afterAll(() => close());

  it('routes by the model answer and records provider, intent and latency', async () => {
    stub.handler = () => reply.intent('travel');
    const client = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    // The local classifier would say "weather": the answer must come from the model.
    expect(await client.ask('will it rain tomorrow?')).toEqual(["This week's offer: Lisbon, 3 nights from 199 EUR. Anything else?"]);
    const request = stub.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.body).toMatchObject({
      model: 'stub-model',
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { strict: true } },
    });
    const history = (await (await checkedFetch(`${server.url}/api/conversations/${String(conversationId)}`)).json()) as {
      steps: Array<Record<string, unknown>>;
    };
    expect(history.steps.find((s) => s.event === 'intent.matched')).toMatchObject({
      intent: 'travel',
      provider: 'openai',
      latencyMs: expect.any(Number),
    });
    await client.close();
  });

  it.each([
    ['a 500', () => reply.error(500), 'server_error'],
    ['a refusal', () => reply.refusal('I cannot help with that'), 'refusal'],
    ['garbage content', () => reply.content('sure thing!'), 'invalid_answer'],
    ['a server that never answers', () => reply.hang(), 'timeout'],
  ])('falls back to the local classifier on %s, within the deadline', async (_name, script, reason) => {
    stub.handler = script;
    const client = await ChatClient.connect(server.wsUrl);
    const { conversationId } = await client.next('conversation');
    await client.until('waiting');
    const started = Date.now();
    // A new question each time: answers are cached per (block, normalised text).
    expect(await client.ask(`will it rain tomorrow? (${reason})`)).toEqual([
      'It will be sunny, 24°C. Anything else? Travel offers or a restaurant tip?',
    ]);
    expect(Date.now() - started).toBeLessThan(1500 + 2000); // the deadline, plus a generous margin
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    const history = (await (await checkedFetch(`${server.url}/api/conversations/${String(conversationId)}`)).json()) as {
      steps: Array<Record<string, unknown>>;
    };
    expect(history.steps.find((s) => s.event === 'intent.matched')).toMatchObject({
      intent: 'weather',
      provider: 'local',
      fallbackReason: reason,
    });
    await client.close();
  });

  it('aborts the request in flight when the client disconnects', async () => {
    stub.handler = () => reply.hang();
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    const before = stub.requests.length;
    client.say('is it snowing in Oslo right now?');
    await stub.waitForRequests(before + 1);
    await client.close();
    // The stub sees the HTTP request go away long before the 1.5 s deadline would have cut it.
    const aborted = await Promise.race([
      stub.requests[before]!.whenAborted.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 1000)),
    ]);
    expect(aborted).toBe(true);
  });

  it('reports the provider and the breaker on /health', async () => {
    const health = (await (await checkedFetch(`${server.url}/health`)).json()) as { intent: Record<string, unknown> };
    expect(health.intent).toMatchObject({
      provider: 'openai',
      model: 'stub-model',
      breaker: expect.stringMatching(/closed|open|half-open/),
    });
  });
});
