import { checkedFetch } from '../support/http-client';
import { rawRequest } from '../support/raw-http';
import { startTestServer, type TestServer } from '../support/test-server';
import { defaultFlow } from '../support/flows';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close(true));

const json = { 'Content-Type': 'application/json' };

async function post(path: string, body: string, headers: Record<string, string> = json): Promise<Response> {
  return checkedFetch(server.url + path, { method: 'POST', headers, body });
}

describe('flows REST API', () => {
  it('stores the bundled default flow as version 1 on first start', async () => {
    const res = await checkedFetch(`${server.url}/api/flows`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: unknown[] };
    expect(body.items).toEqual([{ version: 1, name: 'Travel assistant', createdAt: expect.any(String), current: true }]);
  });

  it('uploads a flow as a new current version, keeping the text exactly as sent', async () => {
    const flow = defaultFlow();
    flow.name = 'Travel v2';
    flow.blocks.push({ id: 'orphan', type: 'end' });
    const source = JSON.stringify(flow, null, 3) + '\n';
    const res = await post('/api/flows', source);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/flows/2');
    expect(await res.json()).toEqual({
      version: 2,
      createdAt: expect.any(String),
      warnings: [
        {
          path: `/blocks/${defaultFlow().blocks.length}`,
          code: 'unreachable_block',
          message: 'block "orphan" cannot be reached from the start',
        },
      ],
      unchanged: false,
    });
    const current = await checkedFetch(`${server.url}/api/flows/current`);
    expect(current.status).toBe(200);
    expect(await current.text()).toBe(source);
    expect(current.headers.get('etag')).toMatch(/^"v2-/);
    expect(current.headers.get('x-flow-version')).toBe('2');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await checkedFetch(`${server.url}/api/flows/current`);
    const etag = first.headers.get('etag') as string;
    const again = await checkedFetch(`${server.url}/api/flows/current`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('lists versions newest first and reads one version', async () => {
    const list = (await (await checkedFetch(`${server.url}/api/flows`)).json()) as { items: Array<{ version: number; current: boolean }> };
    expect(list.items.map((i) => [i.version, i.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    const one = await checkedFetch(`${server.url}/api/flows/1`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { name: string }).name).toBe('Travel assistant');
  });

  it('activates an earlier version (rollback) and 404s an unknown one', async () => {
    const res = await post('/api/flows/1/activate', '');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: 1, name: 'Travel assistant', createdAt: expect.any(String), current: true });
    expect(((await (await checkedFetch(`${server.url}/api/flows/current`)).json()) as { name: string }).name).toBe('Travel assistant');
    expect((await post('/api/flows/99/activate', '')).status).toBe(404);
    expect((await post('/api/flows/2/activate', '')).status).toBe(200);
  });

  it('404s unknown versions in the one error shape', async () => {
    for (const path of ['/api/flows/42', '/api/flows/42/machine']) {
      const res = await checkedFetch(server.url + path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ code: 'not_found', message: expect.any(String) });
    }
  });

  it('answers 400 invalid_parameter, naming the parameter, for a version that is no version number', async () => {
    for (const path of ['/api/flows/abc', '/api/flows/0', '/api/flows/01', '/api/flows/1.5', '/api/flows/abc/machine']) {
      const res = await checkedFetch(server.url + path);
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 400,
        body: { code: 'invalid_parameter', message: 'version must be a whole number from 1 to 2147483647 or "current"' },
      });
    }
    const activate = await post('/api/flows/current/activate', '');
    expect(activate.status).toBe(400);
    expect(await activate.json()).toEqual({ code: 'invalid_parameter', message: 'version must be a whole number from 1 to 2147483647' });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await post('/api/flows', '{"name": "x",');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_json' });
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await post('/api/flows', 'name: x', { 'Content-Type': 'text/yaml' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const res = await post('/api/flows', JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('rejects an invalid flow with 422 and every error, and stores nothing', async () => {
    const flow = defaultFlow() as unknown as { blocks: Array<Record<string, unknown>>; start: string };
    flow.start = 'nowhere';
    flow.blocks[1]!.bogus = true;
    const res = await post('/api/flows', JSON.stringify(flow));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      code: 'invalid_flow',
      message: 'the flow has 2 error(s)',
      errors: [
        { path: '/blocks/1/bogus', code: 'unknown_property', message: 'unknown property "bogus"' },
        { path: '/start', code: 'unknown_block', message: 'start block "nowhere" does not exist' },
      ],
    });
    const list = (await (await checkedFetch(`${server.url}/api/flows`)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(2);
  });

  it('validates without storing', async () => {
    const ok = await post('/api/flows/validate', JSON.stringify(defaultFlow()));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ valid: true, warnings: [] });
    const bad = await post('/api/flows/validate', JSON.stringify({ name: 'x', start: 'a', blocks: [] }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      { path: '/blocks', code: 'too_few_items', message: expect.any(String) },
      { path: '/start', code: 'unknown_block', message: 'start block "a" does not exist' },
    ]);
    const list = (await (await checkedFetch(`${server.url}/api/flows`)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(2);
  });

  it('exports the compiled machine in three formats', async () => {
    const machine = await checkedFetch(`${server.url}/api/flows/current/machine`);
    expect(machine.status).toBe(200);
    expect(machine.headers.get('content-type')).toContain('application/json');
    expect(((await machine.json()) as { initial: string }).initial).toBe('welcome');
    const js = await checkedFetch(`${server.url}/api/flows/1/machine?format=js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toContain('createMachine({');
    const mermaid = await checkedFetch(`${server.url}/api/flows/1/machine?format=mermaid`);
    expect(await mermaid.text()).toMatch(/^stateDiagram-v2\n/);
    const bad = await checkedFetch(`${server.url}/api/flows/1/machine?format=png`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_parameter' });
  });

  it('answers unknown routes and methods in the error shape, without stack traces', async () => {
    const missing = await checkedFetch(`${server.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'not_found', message: 'no such endpoint' });
    const method = await checkedFetch(`${server.url}/api/flows/current`, { method: 'DELETE' });
    expect(method.status).toBe(405);
    const body = await method.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'method_not_allowed' });
    expect(body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('sends security headers', async () => {
    const res = await checkedFetch(`${server.url}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('flow versions: paging and identical uploads', () => {
  let paged: TestServer;
  beforeAll(async () => {
    paged = await startTestServer();
  });
  afterAll(() => paged.close(true));

  const upload = (source: string): Promise<Response> =>
    checkedFetch(`${paged.url}/api/flows`, { method: 'POST', headers: json, body: source });

  it('answers an upload identical to the current version with that version, unchanged, and stores nothing', async () => {
    const source = JSON.stringify({ ...defaultFlow(), name: 'Same bytes' });
    const first = await upload(source);
    expect(first.status).toBe(201);
    const stored = (await first.json()) as { version: number; createdAt: string };
    const again = await upload(source);
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe(`/api/flows/${stored.version}`);
    expect(await again.json()).toEqual({ version: stored.version, createdAt: stored.createdAt, warnings: [], unchanged: true });
    // Other bytes (even the same flow laid out otherwise) are another version.
    const other = await upload(JSON.stringify(JSON.parse(source), null, 2));
    expect(other.status).toBe(201);
    expect(await other.json()).toMatchObject({ version: stored.version + 1, unchanged: false });
    // An older version's bytes are a new version too: only the current one is compared.
    expect((await upload(source)).status).toBe(201);
    const list = (await (await checkedFetch(`${paged.url}/api/flows?limit=100`)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(4);
  });

  it('pages the versions newest first with limit and cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i++) expect((await upload(JSON.stringify({ ...defaultFlow(), name: `Paged ${i}` }))).status).toBe(201);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await checkedFetch(`${paged.url}/api/flows${query}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Array<{ version: number }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.version));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(pages).toBe(3);
    const first = (await (await checkedFetch(`${paged.url}/api/flows`)).json()) as { items: unknown[]; nextCursor: string | null };
    expect(first.items).toHaveLength(7); // 20 by default
    expect(first.nextCursor).toBeNull();
  });

  it('rejects a bad limit or cursor with 400', async () => {
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?limit=1e1', '?limit=']) {
      const res = await checkedFetch(`${paged.url}/api/flows${query}`);
      expect({ query, status: res.status, body: await res.json() }).toEqual({
        query,
        status: 400,
        body: { code: 'invalid_parameter', message: 'limit must be a whole number from 1 to 100' },
      });
    }
    for (const cursor of ['garbage', 'v0', 'v-1']) {
      const res = await checkedFetch(`${paged.url}/api/flows?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_cursor' });
    }
  });
});

describe('health', () => {
  it('reports the database, the current flow version and the intent provider', async () => {
    const res = await checkedFetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', flowVersion: 2, intent: { provider: 'local' } });
  });
});

describe('API_TOKEN', () => {
  let secured: TestServer;
  beforeAll(async () => {
    secured = await startTestServer({ env: { API_TOKEN: 's3cret-token' } });
  });
  afterAll(() => secured.close(true));

  it('guards every /api route, known or not, and leaves /health open', async () => {
    for (const path of ['/api/flows', '/api/flows/current', '/api/conversations', '/api/nothing']) {
      const res = await checkedFetch(secured.url + path);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
    const wrong = await checkedFetch(`${secured.url}/api/flows`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await checkedFetch(`${secured.url}/api/flows`, { headers: { Authorization: 'Bearer s3cret-token' } });
    expect(right.status).toBe(200);
    expect((await checkedFetch(`${secured.url}/health`)).status).toBe(200);
  });

  it('cannot be walked around with paths the router normalises', async () => {
    for (const path of ['/x/../api/flows', '/./api/flows', '/%61pi/flows', '/api/../api/flows', '/x/../api/conversations']) {
      // rawRequest sends the path as given: checkedFetch() would normalise it before sending.
      const { status } = await rawRequest(secured.url, { path });
      // Names the path that got through, should one do so.
      expect([401, 404].includes(status) ? path : `${path} answered ${status}`).toBe(path);
    }
  });
});
