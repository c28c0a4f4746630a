/**
 * The page routes at the HTTP level (no browser needed): the allow-list, content types, caching,
 * compression, security headers, and that no path reaches a file outside the list.
 */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { PAGE_CSP } from '../../src/transport/http/web-controller';
import { startTestServer, type TestServer } from '../support/test-server';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request: fetch would normalise `..` segments and decode gzip, which is what is tested here. */
function get(server: TestServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web page routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close(true));

  test.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/flow', 'text/html; charset=utf-8', 'no-cache'],
    ['/assets/app.css', 'text/css; charset=utf-8', 'no-cache'],
    ['/assets/main.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/chat.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/diagram.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/favicon.svg', 'image/svg+xml', 'no-cache'],
    ['/vendor/mermaid.min.js', 'text/javascript; charset=utf-8', 'public, max-age=86400'],
  ])('%s: %s, Cache-Control %s, the page CSP', async (path, type, cache) => {
    const res = await get(server, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.body.length).toBeGreaterThan(0);
  });

  test('the page CSP allows no inline script, no eval and nothing from other origins', () => {
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(PAGE_CSP).toContain("connect-src 'self'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).not.toMatch(/https?:|\*/);
  });

  test('the API keeps its own strict headers', async () => {
    const res = await get(server, '/api/flows');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('a matching If-None-Match answers 304 with no body', async () => {
    const first = await get(server, '/assets/chat.js');
    const again = await get(server, '/assets/chat.js', { 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  test('gzip when asked, with its own ETag', async () => {
    const plain = await get(server, '/vendor/mermaid.min.js');
    const zipped = await get(server, '/vendor/mermaid.min.js', { 'Accept-Encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  test('HEAD answers the headers only', async () => {
    const res = await get(server, '/', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body.length).toBe(0);
  });

  test.each([
    '/index.html',
    '/assets/',
    '/assets/../package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2fpackage.json',
    '/vendor/mermaid.js',
    '/vendor/../node_modules/mermaid/package.json',
    '/public/index.html',
    '/src/app.ts',
  ])('%s is not served (404)', async (path) => {
    const res = await get(server, path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  test('a flow diagram page path with a trailing slash still gets the page CSP', async () => {
    const res = await get(server, '/flow/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
  });
});
