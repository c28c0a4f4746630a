import type { HttpBlock } from '../../src/flow/types';
import { buildRequest, callHttp } from '../../src/runtime/http-call';

/** A block as JSON.parse makes it: `__proto__` as an own key, the way a flow file can write it. */
const block = JSON.parse(
  JSON.stringify({
    id: 'order',
    type: 'http',
    method: 'POST',
    url: 'https://orders.example.com/api/orders',
    next: 'done',
    onError: 'done',
  }).replace(/}$/, ',"headers":{"__proto__":"{{who}}","X-Keep":"1"},"body":{"__proto__":{"note":"{{who}}"},"keep":1}}'),
) as HttpBlock;

describe('buildRequest', () => {
  it('sends every key the flow wrote, __proto__ included, as data', () => {
    const { request } = buildRequest(block, { who: 'Ada' }, { maxTimeoutMs: 10_000 }, new AbortController().signal);
    expect(JSON.parse(request.body ?? 'null')).toEqual(JSON.parse('{"__proto__":{"note":"Ada"},"keep":1}'));
    expect(request.body).toBe('{"__proto__":{"note":"Ada"},"keep":1}');
    expect(Object.keys(request.headers)).toEqual(['__proto__', 'X-Keep', 'accept', 'content-type']);
    expect(Object.getPrototypeOf(request.headers)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).note).toBeUndefined();
  });
});

describe('callHttp', () => {
  it('neutralises control characters in saved text, as it does for user text', async () => {
    const lookup: HttpBlock = {
      id: 'lookup',
      type: 'http',
      method: 'GET',
      url: 'https://orders.example.com/api/orders/1',
      save: { status: '/status', note: '/note' },
      next: 'done',
      onError: 'done',
    };
    const requester = {
      request: () => Promise.resolve({ ok: true as const, status: 200, body: '{"status":"a\\u0000b\\u202e","note":"x\\ud800y"}' }),
    };
    const output = await callHttp(lookup, {}, { requester, maxTimeoutMs: 10_000 }, new AbortController().signal, () => 0);
    expect(output.saved).toEqual({ status: 'ab', note: 'x\ufffdy' });
  });
});
