/** `GET /api/flows/{ref}/machine?format=diagram[&around=BLOCK&depth=N]`: what the web page draws. */
import { defaultFlow } from '../support/flows';
import { startTestServer, type TestServer } from '../support/test-server';
import { chainFlow } from '../support/chain-flow';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(chainFlow(100)),
  });
  expect(res.status).toBe(201);
});
afterAll(() => server.close(true));

const get = (path: string): Promise<Response> => fetch(`${server.url}/api/flows/${path}`);

describe('diagram export over REST', () => {
  it('the whole flow: Mermaid text and the block-to-node map, as JSON', async () => {
    const res = await get('1/machine?format=diagram');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-flow-version')).toBe('1');
    const body = (await res.json()) as { mermaid: string; nodes: Record<string, unknown>; blockCount: number };
    expect(body).toMatchObject({ blockCount: defaultFlow().blocks.length, start: 'welcome', around: null, depth: null });
    expect(body.nodes.ask).toEqual({ node: 'b1', type: 'wait' });
    expect(body.mermaid).toBe(await (await get('1/machine?format=mermaid')).text());
  });

  it('the neighbourhood of a block, depth 2 by default', async () => {
    const res = await get('current/machine?format=diagram&around=w50');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flow-version')).toBe('2');
    const body = (await res.json()) as { nodes: Record<string, unknown>; blockCount: number; around: string; depth: number };
    expect(body).toMatchObject({ blockCount: 301, around: 'w50', depth: 2 });
    expect(Object.keys(body.nodes).sort()).toEqual(['done', 'm50', 'm51', 'r50', 'w50']);
    const deeper = (await (await get('2/machine?format=diagram&around=w50&depth=3')).json()) as { nodes: object; depth: number };
    expect(deeper.depth).toBe(3);
    expect(Object.keys(deeper.nodes)).toContain('w51');
  });

  it.each([
    ['2/machine?format=diagram&around=nope', 'around: flow version 2 has no block "nope"'],
    ['2/machine?format=diagram&around=w1&depth=0', 'depth must be a whole number from 1 to 10'],
    ['2/machine?format=diagram&around=w1&depth=11', 'depth must be a whole number from 1 to 10'],
    ['2/machine?format=diagram&around=w1&depth=2.5', 'depth must be a whole number from 1 to 10'],
    ['2/machine?format=diagram&around=w1&around=w2', 'query parameter "around" is given more than once'],
    ['2/machine?format=diagram&around=', 'around must be text of 1 to 64 characters'],
    ['2/machine?format=diagram&depth=2', 'depth needs around'],
    ['2/machine?format=mermaid&around=w1', 'around and depth need format=diagram'],
  ])('%s: 400 invalid_parameter', async (path, message) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 'invalid_parameter', message });
  });
});
