import type { Flow } from '../../src/flow/types';
import type { ConversationEvent, Turn } from '../../src/runtime/events';
import type { HttpCallSettings } from '../../src/runtime/http-call';
import type { HttpAnswer, HttpRequest, HttpRequester } from '../../src/runtime/http-requester';
import { botTexts, Harness } from '../support/conversation-harness';
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

/** A conversation on `flow`, waiting at `ask`; `http` is how its http block calls out (none: it cannot). */
async function waitingAtAsk(http?: HttpCallSettings): Promise<Harness> {
  const h = new Harness(flow, new FakeDetector(), undefined, http ? { http } : {});
  h.conversation.start();
  await h.untilTurns(1);
  return h;
}

/** The step of the http block's call in a turn (`http.ok` or `http.error`). */
function callStep(turn: Turn, event: 'http.ok' | 'http.error'): Extract<ConversationEvent, { type: 'step' }> | undefined {
  return turn.events.find((e): e is Extract<ConversationEvent, { type: 'step' }> => e.type === 'step' && e.step.event === event);
}

describe('http blocks in the runtime, through the HttpRequester port', () => {
  it('sends the rendered request (secrets filled in, headers without line breaks, timeout capped) and saves scalars only', async () => {
    const requester = new ScriptedRequester();
    requester.answer = () =>
      Promise.resolve({ ok: true, status: 200, body: JSON.stringify({ status: 'shipped', echo: 'k3y!', items: [1] }) });
    const h = await waitingAtAsk({ requester, secrets: (name) => (name === 'KEY' ? 'k3y!' : undefined), maxTimeoutMs: 30000 });
    const turn = await h.say('1 2');
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
    expect(botTexts(turn)).toEqual(['shipped *** unset not a scalar']);
    expect(callStep(turn, 'http.ok')).toMatchObject({
      step: { method: 'GET', url: 'https://orders.example.com/api/orders/1%202?key=***', status: 200 },
    });
    expect(turn.variables).toMatchObject({ orderStatus: 'shipped', echo: '***', httpStatus: 200 });
    expect(turn.variables).not.toHaveProperty('gone');
    expect(turn.variables).not.toHaveProperty('httpError');
    h.conversation.stop();
  });

  it('aborts the request when the conversation stops while the call is in flight', async () => {
    const requester = new ScriptedRequester();
    let signal: AbortSignal | undefined;
    requester.answer = (request) => {
      signal = request.signal;
      return new Promise<HttpAnswer>(() => undefined);
    };
    const h = await waitingAtAsk({ requester, maxTimeoutMs: 30000 });
    h.conversation.send('1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(signal?.aborted).toBe(false);
    h.conversation.stop();
    expect(signal?.aborted).toBe(true);
  });

  it('goes to onError with network when no HTTP client is configured', async () => {
    const h = await waitingAtAsk();
    const turn = await h.say('1');
    expect(botTexts(turn)).toEqual(['sorry network -']);
    expect(callStep(turn, 'http.error')).toMatchObject({
      step: { httpError: 'network', error: 'http blocks cannot call out here: no HTTP client is configured' },
    });
    h.conversation.stop();
  });

  it('takes onError for every answer that is not a usable 2xx, with httpError and httpStatus (when there was an answer)', async () => {
    const answers: HttpAnswer[] = [
      { ok: true, status: 404, body: '{"error":"no"}' },
      { ok: true, status: 302, body: '' },
      { ok: true, status: 200, body: 'not json {' },
      { ok: false, error: 'too_large', detail: 'over the limit', status: 200 },
      { ok: false, error: 'timeout', detail: 'took too long' },
      { ok: true, status: 200, body: '{"status":"again"}' },
    ];
    const requester = new ScriptedRequester();
    requester.answer = () => Promise.resolve(answers[requester.requests.length - 1] as HttpAnswer);
    const h = await waitingAtAsk({ requester, maxTimeoutMs: 30000 });
    const said: string[] = [];
    for (const _ of answers) said.push(...botTexts(await h.say('7')));
    // The last call succeeds: its httpError and the failed calls' httpStatus are gone.
    expect(said).toEqual([
      'sorry status 404',
      'sorry status 302',
      'sorry invalid_json 200',
      'sorry too_large 200',
      'sorry timeout -',
      'again - unset not a scalar',
    ]);
    expect(h.last.variables).toMatchObject({ httpStatus: 200, orderStatus: 'again' });
    expect(h.last.variables).not.toHaveProperty('httpError');
    h.conversation.stop();
  });

  it('masks the secret in the reason of a failure', async () => {
    const requester = new ScriptedRequester();
    requester.answer = (request) => Promise.resolve({ ok: false, error: 'network', detail: `failed ${request.url}` });
    const h = await waitingAtAsk({ requester, secrets: () => 's/e c', maxTimeoutMs: 30000 });
    const turn = await h.say('1');
    expect(callStep(turn, 'http.error')).toMatchObject({ step: { error: 'failed https://orders.example.com/api/orders/1?key=***' } });
    h.conversation.stop();
  });
});
