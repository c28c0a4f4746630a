/**
 * The page routes at the HTTP level (no browser needed): the allow-list, content types, caching,
 * compression, security headers, and that no path reaches a file outside the list.
 */
import fsPromises from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import zlib, { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
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
    ['/assets/traffic.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/composer.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/transcript.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/api.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/settings.json', 'application/json; charset=utf-8', 'no-cache'],
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

  test("the page settings are the server's own limits", async () => {
    const res = await get(server, '/assets/settings.json');
    expect(JSON.parse(res.body.toString())).toEqual({ maxMessageChars: 2000, maxFrameBytes: 65536 });
    const other = await startTestServer({ env: { MAX_MESSAGE_CHARS: '120', WS_MAX_PAYLOAD_BYTES: '4096' } });
    try {
      const answer = await get(other, '/assets/settings.json');
      expect(JSON.parse(answer.body.toString())).toEqual({ maxMessageChars: 120, maxFrameBytes: 4096 });
    } finally {
      await other.close(true);
    }
  });

  test('Mermaid is served from the copy the build made of the installed package', async () => {
    const res = await get(server, '/vendor/mermaid.min.js');
    const vendored = readFileSync(join(__dirname, '..', '..', 'public', 'vendor', 'mermaid.min.js'));
    expect(vendored.equals(readFileSync(require.resolve('mermaid/dist/mermaid.min.js')))).toBe(true);
    expect(res.body.equals(vendored)).toBe(true);
  });

  test('requests neither read, stat nor compress a file: that is done once, at start, off the event loop', async () => {
    const fresh = await startTestServer();
    const spies = [
      jest.spyOn(zlib, 'gzipSync'),
      jest.spyOn(zlib, 'gzip'),
      jest.spyOn(fsPromises, 'stat'),
      jest.spyOn(fsPromises, 'readFile'),
    ];
    try {
      // The first request may wait for the start-up work; from then on nothing touches the disk or zlib.
      await get(fresh, '/vendor/mermaid.min.js', { 'Accept-Encoding': 'gzip' });
      for (const spy of spies) spy.mockClear();
      for (const path of ['/', '/assets/chat.js', '/vendor/mermaid.min.js', '/assets/app.css']) {
        const zipped = await get(fresh, path, { 'Accept-Encoding': 'gzip' });
        expect(zipped.status).toBe(200);
        await get(fresh, path);
      }
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
      await fresh.close(true);
    }
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
