import { compileFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { Conversation } from '../../src/runtime/conversation';
import type { Turn } from '../../src/runtime/events';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import type { HttpCallSettings } from '../../src/runtime/http-call';
import type { HttpAnswer, HttpRequest, HttpRequester } from '../../src/runtime/http-requester';
import { FakeDetector } from '../support/fake-detector';

/** The port as `flowbot test` uses it: a requester that answers from the test, no socket anywhere. */
class ScriptedRequester implements HttpRequester {
  readonly requests: HttpRequest[] = [];
  answer: (request: HttpRequest) => Promise<HttpAnswer> = () => Promise.resolve({ ok: true, status: 200, body: '{}' });

  request(request: HttpRequest): Promise<HttpAnswer> {
    this.requests.push(request);
    return this.answer(request);
  }
}

const flow: Flow = {
  name: 'orders',
  start: 'ask',
  blocks: [
    { id: 'ask', type: 'wait', saveAs: 'q', next: 'lookup' },
    {
      id: 'lookup',
      type: 'http',
      method: 'GET',
      url: 'https://orders.example.com/api/orders/{{q}}?key={{secret.KEY}}',
      headers: { Authorization: 'Bearer {{secret.KEY}}', 'X-Note': 'line one\r\nX-Injected: yes' },
      timeoutMs: 60000,
      save: { orderStatus: '/status', echo: '/echo', gone: '/nothing', list: '/items' },
      next: 'show',
      onError: 'sorry',
    },
    { id: 'show', type: 'message', text: '{{orderStatus}} {{echo|-}} {{gone|unset}} {{list|not a scalar}}', next: 'ask' },
    { id: 'sorry', type: 'message', text: 'sorry {{httpError}} {{httpStatus|-}}', next: 'ask' },
  ],
};

function run(http: HttpCallSettings | undefined): { conversation: Conversation; turns: Turn[]; next: (n: number) => Promise<void> } {
  const options = { detector: new FakeDetector(), ...(http ? { http } : {}) };
  const machine = createFlowMachine(compileFlow(flow), options);
  const turns: Turn[] = [];
  let wake: (() => void) | undefined;
  const conversation = new Conversation({
    machine,
    onTurn: (turn) => {
      turns.push(turn);
      wake?.();
    },
  });
  const next = (n: number): Promise<void> =>
    turns.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (wake = () => turns.length >= n && resolve()));
  conversation.start();
  return { conversation, turns, next };
}

const texts = (turn: Turn | undefined): string[] => (turn?.events ?? []).flatMap((e) => (e.type === 'bot_message' ? [e.text] : []));

describe('http blocks in the runtime, through the HttpRequester port', () => {
  it('sends the rendered request (secrets filled in, headers without line breaks, timeout capped) and saves scalars only', async () => {
    const requester = new ScriptedRequester();
    requester.answer = () =>
      Promise.resolve({ ok: true, status: 200, body: JSON.stringify({ status: 'shipped', echo: 'k3y!', items: [1] }) });
    const { conversation, turns, next } = run({ requester, secrets: (name) => (name === 'KEY' ? 'k3y!' : undefined), maxTimeoutMs: 30000 });
    await next(1);
    conversation.send('1 2');
    await next(2);
    expect(requester.requests).toEqual([
      {
        blockId: 'lookup',
        method: 'GET',
        url: 'https://orders.example.com/api/orders/1%202?key=k3y!',
        headers: { Authorization: 'Bearer k3y!', 'X-Note': 'line one X-Injected: yes', accept: 'application/json' },
        timeoutMs: 30000,
        signal: expect.any(AbortSignal),
      },
    ]);
    expect(texts(turns[1])).toEqual(['shipped *** unset not a scalar']);
    const step = turns[1]?.events.find((e) => e.type === 'step' && e.step.event === 'http.ok');
    expect(step).toMatchObject({ step: { method: 'GET', url: 'https://orders.example.com/api/orders/1%202?key=***', status: 200 } });
    expect(turns[1]?.variables).toMatchObject({ orderStatus: 'shipped', echo: '***', httpStatus: 200 });
    expect(turns[1]?.variables).not.toHaveProperty('gone');
    expect(turns[1]?.variables).not.toHaveProperty('httpError');
    conversation.stop();
  });

  it('aborts the request when the conversation stops while the call is in flight', async () => {
    const requester = new ScriptedRequester();
    let signal: AbortSignal | undefined;
    requester.answer = (request) => {
      signal = request.signal;
      return new Promise<HttpAnswer>(() => undefined);
    };
    const { conversation, next } = run({ requester, maxTimeoutMs: 30000 });
    await next(1);
    conversation.send('1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(signal?.aborted).toBe(false);
    conversation.stop();
    expect(signal?.aborted).toBe(true);
  });

  it('goes to onError with network when no HTTP client is configured', async () => {
    const { conversation, turns, next } = run(undefined);
    await next(1);
    conversation.send('1');
    await next(2);
    expect(texts(turns[1])).toEqual(['sorry network -']);
    const step = turns[1]?.events.find((e) => e.type === 'step' && e.step.event === 'http.error');
    expect(step).toMatchObject({ step: { httpError: 'network', error: 'http blocks cannot call out here: no HTTP client is configured' } });
    conversation.stop();
  });

  it('masks the secret in the reason of a failure', async () => {
    const requester = new ScriptedRequester();
    requester.answer = (request) => Promise.resolve({ ok: false, error: 'network', detail: `failed ${request.url}` });
    const { conversation, turns, next } = run({ requester, secrets: () => 's/e c', maxTimeoutMs: 30000 });
    await next(1);
    conversation.send('1');
    await next(2);
    const step = turns[1]?.events.find((e) => e.type === 'step' && e.step.event === 'http.error');
    expect(step).toMatchObject({ step: { error: 'failed https://orders.example.com/api/orders/1?key=***' } });
    conversation.stop();
  });
});
