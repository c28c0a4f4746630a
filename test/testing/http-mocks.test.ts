import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareFlow } from '../../src/flow';
import type { Flow } from '../../src/flow/types';
import { checkTestSuite, describeFailure, runConversationTest, type ConversationTest, type TestTarget } from '../../src/testing';

/** The bundled order-status flow: ask a number, GET it, branch on the saved status or on httpStatus. */
function orderFlow(): Flow {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'flows', 'order-status.json'), 'utf8')) as Flow;
}

function target(flow: Flow): TestTarget {
  const prepared = prepareFlow(flow);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return { compiled: prepared.compiled, localDetector: () => ({ name: 'local', detect: () => Promise.reject(new Error('scripted')) }) };
}

const orders = target(orderFlow());
const run = (test: Omit<ConversationTest, 'name'>) => runConversationTest({ name: 't', ...test }, orders, 'scripted');

describe('http blocks in conversation tests, answered by mocks.http', () => {
  it('answers a call from its block mock: status, body by JSON pointer, method and URL checked', async () => {
    const result = await run({
      steps: [
        { user: '1001' },
        { bot: 'Order 1001 is on its way: it should arrive on 2026-05-04.' },
        { variables: { orderStatus: 'shipped', eta: '2026-05-04', httpStatus: 200, httpError: null } },
        { user: '1002' },
        { bot: 'I could not find order 1002. Please check the number.' },
        { variables: { httpStatus: 404, httpError: 'status' } },
      ],
      mocks: {
        http: {
          lookup: [
            {
              method: 'GET',
              url: 'http://127.0.0.1:4000/api/orders/1001',
              status: 200,
              body: { status: 'shipped', delivery: { eta: '2026-05-04' } },
            },
            { url: '/\\/orders\\/1002$/', status: 404, body: { error: 'no such order' } },
          ],
        },
      },
    });
    expect(result.failure).toBeUndefined();
    const calls = result.steps.filter((s) => s.event.startsWith('http.'));
    expect(calls.map((s) => [s.event, s.method, s.url, s.status, s.httpError])).toEqual([
      ['http.ok', 'GET', 'http://127.0.0.1:4000/api/orders/1001', 200, undefined],
      ['http.error', 'GET', 'http://127.0.0.1:4000/api/orders/1002', 404, 'status'],
    ]);
  });

  it.each([
    ['timeout', { error: 'timeout' as const }, 'timeout'],
    ['network', { error: 'network' as const }, 'network'],
    ['blocked', { error: 'blocked' as const }, 'blocked'],
    ['too_large', { error: 'too_large' as const }, 'too_large'],
    ['a 503', { status: 503 }, 'status'],
    ['a body that is not JSON', { status: 200, body: '<html>', headers: { 'content-type': 'text/html' } }, 'invalid_json'],
  ])('takes onError for a mocked failure: %s', async (_name, mock, code) => {
    const result = await run({
      steps: [{ user: '1001' }, { bot: `/\\(${code}\\)/` }, { variables: { httpError: code, orderStatus: null } }],
      mocks: { http: { lookup: [mock] } },
    });
    expect(result.failure).toBeUndefined();
    expect(result.steps.find((s) => s.event === 'http.error')).toMatchObject({ from: 'lookup', to: 'failed', httpError: code });
  });

  it('fails the test at the step that made an unmocked call, saying which block called what', async () => {
    const result = await run({ steps: [{ bot: '/order/' }, { user: '1001' }, { bot: '/on its way/' }] });
    expect(result.passed).toBe(false);
    expect(result.failure).toEqual({
      step: 1,
      action: { user: '1001' },
      expected: 'a mock for the 1st call of http block "lookup"',
      actual:
        'it called GET http://127.0.0.1:4000/api/orders/1001, and mocks.http has no mock for this block (tests never call the network)',
    });
    expect(describeFailure(result.failure!)).toBe(
      [
        'at step 2 {"user":"1001"}',
        'expected: a mock for the 1st call of http block "lookup"',
        'actual:   it called GET http://127.0.0.1:4000/api/orders/1001, and mocks.http has no mock for this block (tests never call the network)',
      ].join('\n'),
    );
  });

  it('fails a call beyond the mocks given, one whose method or URL differs, and mocks no call used', async () => {
    const second = await run({ steps: [{ user: '1001' }, { user: '1002' }], mocks: { http: { lookup: [{ status: 404 }] } } });
    expect(second.failure).toMatchObject({
      step: 1,
      expected: 'a mock for the 2nd call of http block "lookup"',
      actual: expect.stringContaining('it called GET http://127.0.0.1:4000/api/orders/1002, and mocks.http has only 1 mock(s)'),
    });
    const method = await run({ steps: [{ user: '1001' }], mocks: { http: { lookup: [{ method: 'POST', status: 200 }] } } });
    expect(method.failure).toMatchObject({
      expected: 'the 1st call of http block "lookup" to use POST',
      actual: 'it called GET http://127.0.0.1:4000/api/orders/1001',
    });
    const url = await run({ steps: [{ user: '1001' }], mocks: { http: { lookup: [{ url: '/orders/1002', status: 200 }] } } });
    expect(url.failure?.expected).toBe('the 1st call of http block "lookup" to go to "/orders/1002"');
    const unused = await run({ steps: [{ user: '1001' }], mocks: { http: { lookup: [{ status: 404 }, { error: 'timeout' }] } } });
    expect(unused.failure).toEqual({
      step: 1,
      action: null,
      expected: '2 call(s) of http block "lookup" (one per mock)',
      actual: 'it was called 1 time(s)',
    });
    expect(describeFailure(unused.failure!)).toMatch(/^at the end of the test\n/);
  });

  it('fails a call made while the flow starts, before any step', async () => {
    const flow = orderFlow();
    flow.start = 'lookup';
    const result = await runConversationTest({ name: 'start', steps: [] }, target(flow), 'scripted');
    expect(result.failure).toMatchObject({ step: -1, action: null, expected: 'a mock for the 1st call of http block "lookup"' });
    expect(describeFailure(result.failure!)).toMatch(/^at the start, before step 1\nexpected: a mock for the 1st call/);
  });

  it('checks a mock: an answer or a failure, never both, and only the known failure codes', () => {
    const suite = (mock: unknown) => checkTestSuite({ tests: [{ name: 'n', steps: [], mocks: { http: { lookup: [mock] } } }] });
    expect(suite({ status: 200, body: { a: 1 }, headers: { 'x-a': 'b' }, method: 'GET', url: '/x/' }).ok).toBe(true);
    expect(suite({ error: 'timeout', url: 'http://a/' }).ok).toBe(true);
    for (const bad of [{ status: 200, error: 'timeout' }, { error: 'status' }, { status: 99 }, { status: 200, method: 'HEAD' }, {}]) {
      const checked = suite(bad);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.errors[0]?.path).toMatch(/^\/tests\/0\/mocks\/http\/lookup\/0/);
    }
  });
});
