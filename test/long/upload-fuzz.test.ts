import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { flowLimitsOf } from '../../src/config/limits';
import { loadSettings } from '../../src/config/settings';
import { validateFlow } from '../../src/flow/validate';
import { DEFAULT_FLOW_PATH, defaultFlow } from '../support/flows';
import { mutatedFlowArb, validFlowArb } from '../support/flow-fuzz';
import { leaksInternals, parseErrorShape, rawRequest, type RawResponse } from '../support/raw-http';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Fuzzes the flow upload endpoints of a real server (in process, 127.0.0.1, port 0, temp SQLite) with
 * mutated flows and hand-made hostile bodies and URLs. Every answer must be a 2xx/4xx in the one error
 * shape, never a 5xx, a hang or a leak of internals; the server must stay healthy afterwards.
 */

const ROOT = process.cwd();
const JSON_CT = { 'content-type': 'application/json' };
const counts = { mutated: 0, raw: 0, urls: 0, statuses: {} as Record<string, number> };
/** The limits the test server validates with (its default settings: HTTP_MAX_TIMEOUT_MS 30 s and so on). */
const serverLimits = flowLimitsOf(loadSettings({}));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close(true);
  console.log(`upload-fuzz requests: ${JSON.stringify(counts)}`);
});

/** The checks every answer gets, whatever was sent. */
function checkAnswer(what: string, res: RawResponse): void {
  counts.statuses[res.status] = (counts.statuses[res.status] ?? 0) + 1;
  if (res.status >= 500 || res.status < 200) throw new Error(`${what}: status ${res.status}: ${res.text.slice(0, 300)}`);
  const leak = leaksInternals(res.text, ROOT);
  if (leak) throw new Error(`${what}: the answer leaks a ${leak}: ${res.text.slice(0, 500)}`);
  if (res.status >= 400) parseErrorShape(res.text);
  // A path like "/api/.." normalises to "/", the web chat page: HTML, and public.
  else if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) JSON.parse(res.text);
}

/** Runs tasks a few at a time: enough load to interleave requests, not so much that 2 cores choke. */
async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe('upload endpoints fuzz', () => {
  it('answers mutated flows with 2xx/4xx in the error shape, agreeing with validateFlow', async () => {
    const arb = fc.oneof(mutatedFlowArb(fc.constant(defaultFlow())), mutatedFlowArb(validFlowArb('mixed')), validFlowArb('mixed'));
    const bodies: string[] = [];
    for (const doc of fc.sample(arb, 600)) {
      try {
        const text = JSON.stringify(doc);
        // Top-level undefined (a deleted root) is not a body; skip it.
        if (typeof text === 'string') bodies.push(text);
      } catch {
        // A value JSON cannot represent (e.g. nesting past the stringifier's stack): not a body either.
      }
    }
    expect(bodies.length).toBeGreaterThan(500);
    await inBatches(bodies, 4, async (text) => {
      counts.mutated++;
      const endpoint = counts.mutated % 2 === 0 ? '/api/flows' : '/api/flows/validate';
      const res = await rawRequest(server.url, { method: 'POST', path: endpoint, headers: JSON_CT, body: text });
      checkAnswer(`POST ${endpoint} ${text.slice(0, 200)}`, res);
      // The server and the library must agree on what is valid (bodies over 1 MiB answer 413 first).
      if (Buffer.byteLength(text) <= 1024 * 1024) {
        const valid = validateFlow(JSON.parse(text), serverLimits).valid;
        const expected = valid ? (endpoint === '/api/flows' ? 201 : 200) : 422;
        if (res.status !== expected)
          throw new Error(`POST ${endpoint}: expected ${expected}, got ${res.status}: ${res.text.slice(0, 300)} for ${text.slice(0, 300)}`);
      }
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers hostile raw bodies and content types with 4xx in the error shape', async () => {
    const source = readFileSync(DEFAULT_FLOW_PATH, 'utf8');
    const tiny = (meta: string): string => `{"name":"x","start":"a","blocks":[{"id":"a","type":"end"}],"meta":${meta}}`;
    type Case = { name: string; body?: Buffer | string; headers?: Record<string, string>; expect: number | number[] };
    const cases: Case[] = [
      { name: 'invalid UTF-8 byte', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), headers: JSON_CT, expect: 400 },
      {
        name: 'truncated UTF-8 sequence',
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
        headers: JSON_CT,
        expect: 400,
      },
      {
        name: 'overlong UTF-8',
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
        headers: JSON_CT,
        expect: 400,
      },
      {
        name: 'UTF-8 encoded surrogate',
        body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
        headers: JSON_CT,
        expect: 400,
      },
      { name: 'UTF-16 body', body: Buffer.from(source, 'utf16le'), headers: JSON_CT, expect: 400 },
      { name: 'empty body', body: '', headers: JSON_CT, expect: 400 },
      { name: 'no body at all', headers: JSON_CT, expect: 400 },
      { name: 'whitespace body', body: ' \n\t ', headers: JSON_CT, expect: 400 },
      { name: 'BOM then JSON', body: '\ufeff' + source, headers: JSON_CT, expect: [201, 400] },
      { name: 'null', body: 'null', headers: JSON_CT, expect: 422 },
      { name: 'a string', body: '"flow"', headers: JSON_CT, expect: 422 },
      { name: 'an array', body: '[]', headers: JSON_CT, expect: 422 },
      { name: 'a number', body: '1e400', headers: JSON_CT, expect: 422 },
      {
        name: 'huge number in meta',
        body: tiny('{"n":1e400,"m":-1e400,"k":123456789012345678901234567890}'),
        headers: JSON_CT,
        expect: 201,
      },
      { name: 'huge maxNoMatch', body: source.replace('"maxNoMatch": 3', '"maxNoMatch": 1e400'), headers: JSON_CT, expect: 422 },
      { name: 'arrays nested 10,000 deep', body: '['.repeat(10000) + ']'.repeat(10000), headers: JSON_CT, expect: 422 },
      { name: 'objects nested 10,000 deep', body: '{"a":'.repeat(10000) + '1' + '}'.repeat(10000), headers: JSON_CT, expect: 422 },
      { name: 'meta nested 10,000 deep', body: tiny('{"a":'.repeat(10000) + '1' + '}'.repeat(10000)), headers: JSON_CT, expect: 201 },
      {
        name: 'blocks nested 10,000 deep',
        body: `{"name":"x","start":"a","blocks":${'['.repeat(10000)}${']'.repeat(10000)}}`,
        headers: JSON_CT,
        expect: 422,
      },
      {
        name: 'arrays nested 500,000 deep (just under 1 MiB)',
        body: '['.repeat(500000) + ']'.repeat(500000),
        headers: JSON_CT,
        expect: [400, 422],
      },
      { name: '__proto__ at the root', body: source.replace('{', '{"__proto__":{"polluted":"yes"},'), headers: JSON_CT, expect: 422 },
      {
        name: '__proto__ in a block',
        body: source.replace('"id": "welcome"', '"__proto__":{"polluted":"yes"},"id": "welcome"'),
        headers: JSON_CT,
        expect: 422,
      },
      {
        name: 'constructor.prototype in meta',
        body: tiny('{"constructor":{"prototype":{"polluted":"yes"}},"__proto__":{"polluted":"yes"}}'),
        headers: JSON_CT,
        expect: 201,
      },
      { name: 'duplicate keys', body: tiny('{}').replace('"name":"x"', '"name":"x","name":7'), headers: JSON_CT, expect: 422 },
      { name: 'truncated JSON', body: source.slice(0, Math.floor(source.length / 2)), headers: JSON_CT, expect: 400 },
      { name: 'text/plain', body: source, headers: { 'content-type': 'text/plain' }, expect: 415 },
      { name: 'no content type', body: source, headers: {}, expect: 415 },
      { name: 'form encoded', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: 415 },
      { name: 'multipart', body: '--x\r\n\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' }, expect: 415 },
      { name: 'application/jsonx', body: source, headers: { 'content-type': 'application/jsonx' }, expect: 415 },
      {
        name: 'content type with odd spacing and case',
        body: source,
        headers: { 'content-type': 'Application/JSON ;  Charset=UTF-8' },
        expect: 201,
      },
      { name: 'content type with a parameter only', body: source, headers: { 'content-type': 'application/json;' }, expect: 201 },
      { name: '+json suffix', body: source, headers: { 'content-type': 'application/vnd.flow+json' }, expect: 201 },
      { name: 'utf-16 charset label', body: source, headers: { 'content-type': 'application/json; charset=utf-16' }, expect: [201, 415] },
      { name: 'chunked, over 1 MiB', body: ' '.repeat(1100000), headers: { ...JSON_CT, 'transfer-encoding': 'chunked' }, expect: 413 },
      { name: 'declared over 1 MiB', body: ' '.repeat(1100000), headers: JSON_CT, expect: 413 },
      {
        name: 'exactly 1 MiB of whitespace around a flow',
        body: source + ' '.repeat(1024 * 1024 - Buffer.byteLength(source)),
        headers: JSON_CT,
        expect: 201,
      },
      { name: 'NUL bytes', body: '{"name":"\u0000"}\u0000', headers: JSON_CT, expect: 400 },
      { name: 'raw control characters in a string', body: '{"name":"a\u0001b"}', headers: JSON_CT, expect: 400 },
      { name: 'lone surrogate escape', body: source.replace('"Travel assistant"', '"\\ud800"'), headers: JSON_CT, expect: 201 },
    ];
    // Truncations of a valid flow at many points: always malformed (or, at the end, the whole flow).
    for (let cut = 1; cut < source.length - 1; cut += Math.max(1, Math.floor(source.length / 60))) {
      cases.push({ name: `truncated at ${cut}`, body: source.slice(0, cut), headers: JSON_CT, expect: 400 });
    }
    for (const c of cases) {
      for (const endpoint of ['/api/flows', '/api/flows/validate']) {
        counts.raw++;
        const res = await rawRequest(server.url, {
          method: 'POST',
          path: endpoint,
          body: c.body,
          headers: c.headers ?? {},
          timeoutMs: 20000,
        });
        checkAnswer(`${c.name} → ${endpoint}`, res);
        const wanted = (Array.isArray(c.expect) ? c.expect : [c.expect]).map((s) =>
          s === 201 && endpoint.endsWith('/validate') ? 200 : s,
        );
        // The same bytes as the current version are answered with that version: 200, `unchanged`.
        if (wanted.includes(201) && res.status === 200 && (JSON.parse(res.text) as { unchanged?: unknown }).unchanged === true) continue;
        if (!wanted.includes(res.status))
          throw new Error(`${c.name} → ${endpoint}: expected ${wanted.join('/')}, got ${res.status}: ${res.text.slice(0, 300)}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers bad percent-encoding in paths and query strings with 400/404 in the error shape', async () => {
    const fixed = [
      '/api/flows/%E0%A4%A',
      '/api/conversations?cursor=%ZZ',
      '/api/conversations/%E0%A4%A',
      '/api/conversations/%ZZ',
      '/api/flows/%ZZ/machine',
      '/api/flows/current/machine?format=%ZZ',
      '/api/flows/current/machine?format=%E0%A4%A',
      '/api/conversations?limit=%ZZ&cursor=%E0%A4%A',
      '/api/flows/%',
      '/api/%',
      '/%',
      '/%C0%AF',
      '/api/flows/%00',
      '/api/conversations/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/api/flows/1%2F..%2F2',
      '/health/%ZZ',
      '/api/conversations?cursor=' + 'A'.repeat(5000),
      '/api/conversations?cursor[a]=1',
      '/api/conversations?limit[]=1',
      '/api/conversations?__proto__[polluted]=yes',
      '/api/conversations?constructor[prototype][polluted]=yes',
    ];
    const randomPath = fc
      .tuple(
        fc.constantFrom(
          '/api/flows/',
          '/api/conversations/',
          '/api/conversations?cursor=',
          '/api/conversations?limit=',
          '/api/flows/current/machine?format=',
          '/api/',
        ),
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
            fc.constantFrom('%', '%Z', '%E0%A4', 'a', '~', '..', '/', '?', '&', '='),
          ),
          { maxLength: 12 },
        ),
      )
      .map(([prefix, parts]) => prefix + parts.join(''));
    const paths = [...fixed, ...fc.sample(randomPath, 300)];
    for (const path of paths) {
      for (const method of ['GET', 'POST']) {
        counts.urls++;
        const res = await rawRequest(server.url, { method, path, headers: JSON_CT, body: method === 'POST' ? '{}' : undefined });
        checkAnswer(`${method} ${path}`, res);
        if (fixed.includes(path) && method === 'GET' && ![400, 404].includes(res.status) && !path.includes('[')) {
          throw new Error(`GET ${path}: expected 400 or 404, got ${res.status}: ${res.text.slice(0, 200)}`);
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers bad percent-encoding in a query parameter the route does not read with 400 invalid_url', async () => {
    for (const path of ['/api/flows?%ZZ=1', '/api/flows/current?x=%E0%A4%A', '/api/conversations?other=%']) {
      const res = await rawRequest(server.url, { path });
      expect(res.status).toBe(400);
      expect(parseErrorShape(res.text).code).toBe('invalid_url');
    }
  });

  it('is still healthy and takes a normal upload afterwards', async () => {
    const health = await rawRequest(server.url, { path: '/health' });
    expect(health.status).toBe(200);
    const source = readFileSync(DEFAULT_FLOW_PATH, 'utf8');
    const res = await rawRequest(server.url, { method: 'POST', path: '/api/flows', headers: JSON_CT, body: source });
    // 200 when the fuzzing left these very bytes as the current version (`unchanged`), else a new one.
    expect(res.status === 201 || (res.status === 200 && (JSON.parse(res.text) as { unchanged: boolean }).unchanged)).toBe(true);
    const { version } = JSON.parse(res.text) as { version: number };
    const current = await rawRequest(server.url, { path: '/api/flows/current' });
    expect(current.status).toBe(200);
    expect(current.headers['x-flow-version']).toBe(String(version));
    expect(current.text).toBe(source);
  });
});
