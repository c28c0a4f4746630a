import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'restify';
import Ajv from 'ajv';
import { CLOSE_CODES, ERROR_CATALOGUE } from '../../src/errors';
import { FLOW_SCHEMA_PATH } from '../../src/flow/schema';
import { DOCS_CSP } from '../../src/transport/http/docs-page';
import { restifyPath } from '../../src/transport/http/routes/register-routes';
import { isWebPath } from '../../src/transport/http/web-controller';
import { AsyncApiCheck } from '../support/asyncapi-check';
import { FakeDetector } from '../support/fake-detector';
import { defaultFlow } from '../support/flows';
import { checkedFetch } from '../support/http-client';
import { OpenApiCheck } from '../support/openapi-check';
import { startTestServer, type TestServer } from '../support/test-server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the documents are JSON, walked freely by the assertions
type Doc = Record<string, any>;

let server: TestServer;
let openapi: Doc;
let asyncapi: Doc;
beforeAll(async () => {
  server = await startTestServer({ detector: new FakeDetector(), env: { API_TOKEN: 'doc-token', MAX_MESSAGE_CHARS: '300' } });
  openapi = (await (await checkedFetch(`${server.url}/api/openapi.json`)).json()) as Doc;
  asyncapi = (await (await checkedFetch(`${server.url}/api/asyncapi.json`)).json()) as Doc;
});
afterAll(() => server.close(true));

const auth = { Authorization: 'Bearer doc-token' };

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document, public even with API_TOKEN set', () => {
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes every route the server has, and no route it does not have', () => {
    const rest = server.app.rest as Server & { router: { getRoutes(): Record<string, { method: string; path: string | RegExp }> } };
    const registered = Object.values(rest.router.getRoutes())
      .map((route) => ({ method: route.method, path: String(route.path) }))
      .filter((route) => route.method !== 'HEAD' && !isWebPath(route.path) && !route.path.startsWith('/docs'))
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    const described = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${restifyPath(path)}`))
      .sort();
    expect(described).toEqual(registered);
  });

  it('lists every error code of the catalogue, with what it means', () => {
    const codes = openapi.components.schemas.ErrorCode;
    expect(codes.enum).toEqual(ERROR_CATALOGUE.map((d) => d.code));
    for (const d of ERROR_CATALOGUE) expect(codes['x-enumDescriptions'][d.code]).toBe(d.description);
  });

  it('declares the token on every /api route but the descriptions, and 401 with it', () => {
    for (const [path, item] of Object.entries(openapi.paths as Record<string, Record<string, Doc>>)) {
      for (const operation of Object.values(item)) {
        const open = !path.startsWith('/api/') || path.endsWith('api.json');
        expect({ path, security: operation.security }).toEqual({ path, security: open ? [] : [{ bearerAuth: [] }] });
        expect({ path, has401: '401' in operation.responses }).toEqual({ path, has401: !open });
      }
    }
  });

  it("holds the server's own limits", () => {
    expect(openapi.info.description).toContain('1048576 bytes');
    expect(asyncapi.components.schemas.UserMessageFrame.properties.text.maxLength).toBe(300);
  });

  it('carries the flow schema as components, for request and response bodies', () => {
    const upload = openapi.paths['/api/flows'].post;
    expect(upload.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Flow' });
    expect(openapi.components.schemas.FlowBlock).toBeDefined();
    expect(JSON.stringify(openapi.components.schemas)).not.toContain('#/definitions/');
  });
});

describe('the checks in the shared helpers can fail', () => {
  const ok = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };
  const headers = {
    ...ok,
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  };
  const check = (): OpenApiCheck => new OpenApiCheck(openapi as ConstructorParameters<typeof OpenApiCheck>[0]);
  const problems = (status: number, body: unknown, target = '/api/flows', extra: Record<string, string> = {}): string[] =>
    check().problems({ method: 'GET', target, status, headers: { ...headers, ...extra }, text: JSON.stringify(body) });

  it('accepts what the description allows', () => {
    expect(problems(200, { items: [], nextCursor: null })).toEqual([]);
  });

  it.each([
    ['a status the operation does not declare', 201, { items: [], nextCursor: null }],
    ['a field the schema does not have', 200, { items: [], nextCursor: null, total: 0 }],
    [
      'a field of the wrong type',
      200,
      { items: [{ version: '1', name: 'x', createdAt: '2026-01-01T00:00:00Z', current: true }], nextCursor: null },
    ],
    ['an error code the route does not answer with', 400, { code: 'invalid_json', message: 'x' }],
    ['an error code that does not exist', 404, { code: 'nope', message: 'x' }],
  ])('refuses %s', (_what, status, body) => {
    expect(problems(status, body)).not.toEqual([]);
  });

  it('refuses a missing declared header, a missing security header and a wrong content type', () => {
    const upload = (extra: Record<string, string | undefined>): string[] =>
      check().problems({
        method: 'POST',
        target: '/api/flows',
        status: 201,
        headers: { ...headers, ...extra },
        text: JSON.stringify({ version: 2, createdAt: '2026-01-01T00:00:00.000Z', warnings: [], unchanged: false }),
      });
    expect(upload({ location: '/api/flows/2' })).toEqual([]);
    expect(upload({})).toEqual([expect.stringContaining('header Location is missing')]);
    expect(upload({ location: '/api/flows/2', 'x-frame-options': undefined })).toEqual([expect.stringContaining('X-Frame-Options')]);
    expect(upload({ location: '/api/flows/2', 'content-type': 'text/plain' })).toEqual([expect.stringContaining('content type')]);
  });

  it('refuses a 200 on a path the description does not list', () => {
    expect(problems(200, { ok: true }, '/api/secret')).not.toEqual([]);
    expect(problems(404, { code: 'not_found', message: 'no such endpoint' }, '/api/secret')).toEqual([]);
  });

  it('refuses frames and close codes the AsyncAPI document does not list', () => {
    const frames = new AsyncApiCheck(asyncapi as ConstructorParameters<typeof AsyncApiCheck>[0]);
    expect(frames.serverFrameProblems({ type: 'waiting', blockId: 'ask' })).toEqual([]);
    expect(frames.serverFrameProblems({ type: 'waiting', blockId: 'ask', extra: 1 })).not.toEqual([]);
    expect(frames.serverFrameProblems({ type: 'typing' })).not.toEqual([]);
    expect(frames.serverFrameProblems({ type: 'error', code: 'no_such_code', message: 'x' })).not.toEqual([]);
    expect(frames.clientFrameProblems('{"type":"message","text":"hi"}')).toEqual([]);
    expect(frames.clientFrameProblems('{"type":"message","text":"   "}')).not.toEqual([]);
    expect(frames.clientFrameProblems(JSON.stringify({ type: 'message', text: 'x'.repeat(301) }))).not.toEqual([]);
    expect(frames.closeProblems(4404)).toEqual([]);
    expect(frames.closeProblems(4000)).not.toEqual([]);
  });
});

describe('GET /api/asyncapi.json', () => {
  it('is an AsyncAPI 3.0 document of /ws with both directions and the conversationId parameter', () => {
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect(asyncapi.channels.chat.address).toBe('/ws');
    expect(Object.keys(asyncapi.channels.chat.bindings.ws.query.properties)).toEqual(['conversationId', 'bot', 'version']);
    expect(asyncapi.operations.sendServerFrames.action).toBe('send');
    expect(asyncapi.operations.receiveUserMessages.action).toBe('receive');
    expect(Object.keys(asyncapi.components.messages).sort()).toEqual([
      'botMessage',
      'choiceMessage',
      'conversation',
      'end',
      'error',
      'userMessage',
      'waiting',
    ]);
  });

  it('lists every close code the server uses', () => {
    const listed = (asyncapi['x-close-codes'] as Array<{ code: number }>).map((c) => c.code);
    expect(new Set(listed)).toEqual(new Set(Object.values(CLOSE_CODES)));
    for (const code of Object.values(CLOSE_CODES)) expect(asyncapi.info.description).toContain(`\`${code}\``);
  });
});

describe('GET /schemas/flow.schema.json', () => {
  it('serves schemas/flow.schema.json byte for byte, with that path as its $id, without the token', async () => {
    const res = await checkedFetch(`${server.url}/schemas/flow.schema.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/schema+json; charset=utf-8');
    const text = await res.text();
    expect(text).toBe(readFileSync(FLOW_SCHEMA_PATH, 'utf8'));
    expect(JSON.parse(text).$id).toBe('/schemas/flow.schema.json');
  });

  it('validates flows that name it in "$schema", and the server takes them', async () => {
    const schema = JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8'));
    // Union types (`["string", "number", "boolean"]` for a variable's value) are plain JSON Schema; Ajv's strict mode wants them allowed.
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    const flow = { $schema: `${server.url}/schemas/flow.schema.json`, ...defaultFlow() };
    expect(validate(flow)).toBe(true);
    const res = await checkedFetch(`${server.url}/api/flows`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(res.status).toBe(201);
  });
});

describe('/docs', () => {
  it('serves the reference page with its own CSP, the Redoc bundle from this server, and nothing from a CDN', async () => {
    const page = await checkedFetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/docs/redoc.standalone.js', '/docs/reference.js']);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/);
    const bundle = await checkedFetch(`${server.url}/docs/redoc.standalone.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100000);
    const init = await (await checkedFetch(`${server.url}/docs/reference.js`)).text();
    expect(init).toContain("Redoc.init('/api/openapi.json'");
    expect(DOCS_CSP).toContain("script-src 'self'");
    expect(DOCS_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('is vendored from node_modules by the build, not kept in the repository', () => {
    const gitignore = readFileSync(join(__dirname, '..', '..', '.gitignore'), 'utf8');
    expect(gitignore.split('\n')).toContain('public/vendor/');
  });
});
