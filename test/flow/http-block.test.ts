import { compileFlow } from '../../src/flow/compile';
import { outgoingEdges } from '../../src/flow/edges';
import { toMermaid } from '../../src/flow/export';
import { SCHEMA_FLOW_LIMITS } from '../../src/flow/limits';
import { secretUses, unsetSecretWarnings } from '../../src/flow/secrets';
import type { Block, Flow } from '../../src/flow/types';
import { validateFlow } from '../../src/flow/validate';

const http = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'lookup',
  type: 'http',
  method: 'GET',
  url: 'https://orders.example.com/api/orders/{{orderId}}',
  next: 'show',
  onError: 'sorry',
  ...fields,
});

function flowWith(lookup: Record<string, unknown>, show = 'Order {{orderId}}: {{orderStatus}}'): Flow {
  return {
    name: 'orders',
    start: 'ask',
    blocks: [
      { id: 'ask', type: 'wait', saveAs: 'orderId', next: 'lookup' },
      lookup as unknown as Block,
      { id: 'show', type: 'message', text: show, next: 'ask' },
      { id: 'sorry', type: 'message', text: 'Sorry ({{httpError}}, {{httpStatus|no answer}}).', next: 'ask' },
    ],
  };
}

const problems = (flow: unknown, kind: 'errors' | 'warnings' = 'errors'): Array<[string, string]> =>
  validateFlow(flow)[kind].map((p) => [p.path, p.code]);

describe('the http block in the flow model', () => {
  it('accepts the block of the documentation, secrets in its url, headers and body', () => {
    const flow = flowWith(
      http({
        method: 'POST',
        url: 'https://orders.example.com/api/orders/{{orderId}}?key={{secret.ORDERS_KEY}}',
        headers: { Authorization: 'Bearer {{secret.ORDERS_TOKEN}}', 'X-Request': '{{orderId}}' },
        body: { note: '{{lastMessage}}', token: '{{secret.ORDERS_TOKEN}}', list: [1, true, null, { deep: '{{orderId}}' }] },
        timeoutMs: 5000,
        save: { orderStatus: '/status', eta: '/delivery/eta', code: '$status', whole: '' },
      }),
    );
    expect(validateFlow(flow)).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('checks its shape: required fields, methods, no body with GET, pointers, header names, timeoutMs', () => {
    expect(problems(flowWith({ id: 'lookup', type: 'http', method: 'GET', url: 'https://x.example/', next: 'show' }))).toEqual([
      ['/blocks/1/onError', 'missing_property'],
    ]);
    expect(problems(flowWith(http({ method: 'HEAD' })))).toEqual([['/blocks/1/method', 'invalid_value']]);
    expect(problems(flowWith(http({ body: { a: 1 } })))).toEqual([['/blocks/1/body', 'unknown_property']]);
    expect(problems(flowWith(http({ save: { orderStatus: 'status' } })))).toEqual([['/blocks/1/save/orderStatus', 'invalid_format']]);
    expect(problems(flowWith(http({ save: { 'bad name': '/x' } })))).toEqual([['/blocks/1/save/bad name', 'invalid_format']]);
    expect(problems(flowWith(http({ headers: { 'Bad Header': 'x' } })))).toEqual([['/blocks/1/headers/Bad Header', 'invalid_format']]);
    expect(problems(flowWith(http({ timeoutMs: 0 })))).toEqual([['/blocks/1/timeoutMs', 'out_of_range']]);
    expect(problems(flowWith(http({ url: 'ftp://files.example.com/x' })))).toEqual([['/blocks/1/url', 'invalid_format']]);
  });

  it('invalid_http_url: a fixed http(s) host, no user info, placeholders only after the host', () => {
    expect(problems(flowWith(http({ url: 'https://{{host}}/api' })))).toEqual([['/blocks/1/url', 'invalid_http_url']]);
    expect(problems(flowWith(http({ url: 'https://orders.example.com:{{port}}/api' })))).toEqual([['/blocks/1/url', 'invalid_http_url']]);
    expect(problems(flowWith(http({ url: 'https://{{secret.USER}}@orders.example.com/' })))).toEqual([
      ['/blocks/1/url', 'invalid_http_url'],
    ]);
    expect(problems(flowWith(http({ url: 'https://user:pw@orders.example.com/' })))).toEqual([['/blocks/1/url', 'invalid_http_url']]);
    expect(problems(flowWith(http({ url: 'https://exa mple.com/' })))).toEqual([['/blocks/1/url', 'invalid_http_url']]);
    expect(validateFlow(flowWith(http({ url: 'https://orders.example.com/a/{{orderId}}' }))).errors[0]?.message).toBeUndefined();
    expect(validateFlow(flowWith(http({ url: 'https://{{host}}/api' }))).errors[0]?.message).toBe(
      'the url placeholders may only stand after the host (in the path, the query or the fragment): the address a flow calls is fixed',
    );
    expect(problems(flowWith(http({ url: 'http://orders.example.com?q={{orderId}}' })))).toEqual([]);
  });

  it('forbidden_header: the headers the client sets from the request itself', () => {
    expect(
      problems(flowWith(http({ headers: { Host: 'internal', 'Content-Length': '1', 'Proxy-Authorization': 'x', 'X-Ok': 'y' } }))),
    ).toEqual([
      ['/blocks/1/headers/Host', 'forbidden_header'],
      ['/blocks/1/headers/Content-Length', 'forbidden_header'],
      ['/blocks/1/headers/Proxy-Authorization', 'forbidden_header'],
    ]);
  });

  it('timeout_too_long: timeoutMs above HTTP_MAX_TIMEOUT_MS', () => {
    const flow = flowWith(http({ timeoutMs: 31000 }));
    expect(validateFlow(flow, { ...SCHEMA_FLOW_LIMITS, maxHttpTimeoutMs: 30000 }).errors).toEqual([
      { path: '/blocks/1/timeoutMs', code: 'timeout_too_long', message: 'an http block may wait at most 30000 ms (HTTP_MAX_TIMEOUT_MS)' },
    ]);
    expect(validateFlow(flow).valid).toBe(true);
  });

  it('secret_outside_http: a secret anywhere the bot could say or store it', () => {
    const flow: Flow = {
      name: 's',
      start: 'hi',
      blocks: [
        { id: 'hi', type: 'message', text: 'token {{secret.TOKEN}}', next: 'set' },
        { id: 'set', type: 'set', assign: { copy: '{{secret.TOKEN}}' }, next: 'ask' },
        { id: 'ask', type: 'wait', next: 'check', expect: { type: 'integer' }, invalid: { text: 'no {{secret.TOKEN}}' } },
        {
          id: 'check',
          type: 'condition',
          cases: [{ when: { var: 'copy', op: 'eq', value: '{{secret.TOKEN}}' }, next: 'done' }],
          else: 'done',
        },
        { id: 'done', type: 'end', text: 'bye {{secret.TOKEN}}' },
      ],
    };
    expect(problems(flow)).toEqual([
      ['/blocks/0/text', 'secret_outside_http'],
      ['/blocks/1/assign/copy', 'secret_outside_http'],
      ['/blocks/2/invalid/text', 'secret_outside_http'],
      ['/blocks/3/cases/0/when/value', 'secret_outside_http'],
      ['/blocks/4/text', 'secret_outside_http'],
    ]);
  });

  it('checks the placeholders of its url, headers and body like every template', () => {
    const flow = flowWith(http({ url: 'https://x.example/{{orderId}', headers: { A: '{{nme}}' }, method: 'POST', body: { b: ['{{}}'] } }));
    expect(problems(flow)).toEqual([
      ['/blocks/1/url', 'invalid_template'],
      ['/blocks/1/body/b/0', 'invalid_template'],
    ]);
    expect(problems(flowWith(http({ headers: { A: '{{nme}}' } })), 'warnings')).toContainEqual(['/blocks/1/headers/A', 'unknown_variable']);
  });

  it('sets its save variables on a 2xx only; httpError and httpStatus are builtins no block may assign', () => {
    // orderStatus is read after `next`, where it was saved, and after `onError`, where it may not be.
    const flow = flowWith(http({ save: { orderStatus: '/status' } }));
    flow.blocks[3] = { id: 'sorry', type: 'message', text: 'Sorry, {{orderStatus}}.', next: 'ask' };
    expect(problems(flow, 'warnings')).toEqual([['/blocks/3/text', 'variable_maybe_unset']]);
    expect(problems(flowWith(http({ save: { httpError: '/e', httpStatus: '$status' } })))).toEqual([
      ['/blocks/1/save/httpError', 'reserved_variable'],
      ['/blocks/1/save/httpStatus', 'reserved_variable'],
    ]);
    expect(problems(flowWith(http()), 'warnings')).toContainEqual(['/blocks/2/text', 'unknown_variable']);
  });

  it('does not wait: a loop of http and message blocks is loop_without_wait', () => {
    const flow: Flow = {
      name: 'l',
      start: 'call',
      blocks: [
        { id: 'call', type: 'http', method: 'GET', url: 'https://x.example/', next: 'again', onError: 'again' },
        { id: 'again', type: 'message', text: 'again', next: 'call' },
      ],
    };
    expect(problems(flow)).toEqual([['/blocks/0', 'loop_without_wait']]);
  });

  it('has two edges, drawn as 2xx and error', () => {
    const block = http();
    expect(outgoingEdges(block).map((e) => [e.kind, e.to, e.field.join('/')])).toEqual([
      ['next', 'show', 'next'],
      ['error', 'sorry', 'onError'],
    ]);
    const mermaid = toMermaid(compileFlow(flowWith(block)));
    expect(mermaid).toContain('b1 --> b2 : 2xx');
    expect(mermaid).toContain('b1 --> b3 : error');
    expect(mermaid).toContain('class b1 httpBlock');
    expect(problems(flowWith(http({ onError: 'sory' })))).toEqual([['/blocks/1/onError', 'unknown_block']]);
  });

  it('compiles into an invoked callHttp actor: a 2xx takes the guarded next, anything else onError', () => {
    const compiled = compileFlow(flowWith(http({ save: { orderStatus: '/status' } })));
    expect(compiled.httpBlocks.get('lookup')?.url).toBe('https://orders.example.com/api/orders/{{orderId}}');
    const save = { type: 'saveHttpResult', params: { blockId: 'lookup' } };
    expect(compiled.config.states.lookup).toEqual({
      invoke: {
        id: 'http-lookup',
        src: 'callHttp',
        input: { blockId: 'lookup' },
        onDone: [
          {
            guard: { type: 'httpSucceeded', params: {} },
            target: 'show',
            actions: [save, { type: 'step', params: { from: 'lookup', to: 'show', event: 'http.ok' } }],
          },
          { target: 'sorry', actions: [save, { type: 'step', params: { from: 'lookup', to: 'sorry', event: 'http.error' } }] },
        ],
        onError: { target: 'sorry', actions: [save, { type: 'step', params: { from: 'lookup', to: 'sorry', event: 'http.error' } }] },
      },
    });
  });

  it('lists the secrets a flow names, for the warning about those the server lacks', () => {
    const flow = flowWith(
      http({
        url: 'https://x.example/{{orderId}}?k={{secret.KEY}}&k2={{secret.KEY}}',
        headers: { Authorization: 'Bearer {{secret.TOKEN}}' },
      }),
    );
    expect(secretUses(flow)).toEqual([
      { name: 'KEY', path: '/blocks/1/url' },
      { name: 'TOKEN', path: '/blocks/1/headers/Authorization' },
    ]);
    expect(unsetSecretWarnings(flow, (name) => name === 'TOKEN')).toEqual([
      {
        path: '/blocks/1/url',
        code: 'secret_not_set',
        message: '{{secret.KEY}} is not set on this server (FLOWBOT_SECRET_KEY), so it would be sent as ""',
      },
    ]);
  });
});
