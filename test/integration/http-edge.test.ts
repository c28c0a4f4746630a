import { request } from 'node:http';
import { SECURITY_HEADERS } from '../../src/transport/security-headers';
import { FakeDetector } from '../support/fake-detector';
import { checkedFetch } from '../support/http-client';
import { rawExchange } from '../support/raw-http';
import { ChatClient } from '../support/ws-client';
import { startTestServer, type TestServer } from '../support/test-server';

/** Parameters and answers at the edge, before or beside any route's own work. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ detector: new FakeDetector(), env: { MAX_CONNECTIONS: '1' } });
});
afterAll(() => server.close(true));

const securityHeadersOf = (headers: Record<string, string | string[] | undefined>): Record<string, unknown> =>
  Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, headers[name.toLowerCase()]]));

describe('query parameters', () => {
  it.each([
    ['/api/flows?lmit=5', 'unknown query parameter "lmit"; this endpoint takes limit, cursor'],
    ['/api/conversations?limit=5&sort=asc', 'unknown query parameter "sort"; this endpoint takes limit, cursor, bot, status'],
    ['/api/flows/current?pretty=1', 'unknown query parameter "pretty"; this endpoint takes none'],
    ['/api/flows/current/machine?formt=js', 'unknown query parameter "formt"; this endpoint takes format, around, depth'],
    ['/api/conversations/abc?x', 'unknown query parameter "x"; this endpoint takes none'],
    ['/health?verbose=true', 'unknown query parameter "verbose"; this endpoint takes none'],
    ['/api/flows?limit[a]=1', 'unknown query parameter "limit[a]"; this endpoint takes limit, cursor'],
  ])('%s is 400 invalid_parameter, naming the parameter', async (path, message) => {
    const res = await checkedFetch(server.url + path);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 'invalid_parameter', message });
  });

  it('refuses a parameter given twice instead of picking one', async () => {
    const res = await checkedFetch(`${server.url}/api/conversations?limit=5&limit=50`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 'invalid_parameter', message: 'query parameter "limit" is given more than once' });
  });

  it('refuses an unknown parameter on an upload too, and stores nothing', async () => {
    // `activate` is a parameter of the upload (drafts); a misspelt one must not store a current version.
    const res = await checkedFetch(`${server.url}/api/flows?activte=false`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_parameter' });
  });

  it('names the allowed values of a parameter out of range', async () => {
    const res = await checkedFetch(`${server.url}/api/flows/current/machine?format=png`);
    expect(await res.json()).toEqual({ code: 'invalid_parameter', message: 'format must be one of "json", "js", "mermaid", "diagram"' });
    const long = await checkedFetch(`${server.url}/api/conversations/${'x'.repeat(129)}`);
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({ code: 'invalid_parameter', message: 'id must be text of 1 to 128 characters' });
    // A bot id or block id that is text, but not one.
    const bot = await checkedFetch(`${server.url}/api/bots/a%20b`);
    expect(await bot.json()).toEqual({ code: 'invalid_parameter', message: 'bot must be text matching ^[A-Za-z][A-Za-z0-9_-]{0,63}$' });
    const block = await checkedFetch(`${server.url}/api/flows/current/blocks/r%C3%A9/detect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"text":"hi"}',
    });
    expect(await block.json()).toEqual({
      code: 'invalid_parameter',
      message: 'blockId must be text matching ^[A-Za-z][A-Za-z0-9_-]{0,63}$',
    });
  });
});

describe('answers written on the bare socket', () => {
  it('answers headers over the limit with 431 headers_too_large and the security headers', async () => {
    const answer = await rawExchange(server.url, `GET /api/flows HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`, {
      method: 'GET',
      target: '/api/flows',
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.text)).toEqual({ code: 'headers_too_large', message: 'the request headers are too large' });
    expect(securityHeadersOf(answer.headers)).toEqual(SECURITY_HEADERS);
  });

  it('answers a request that is not HTTP with 400 bad_request and the security headers', async () => {
    const answer = await rawExchange(server.url, 'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n', {
      method: 'GET',
      target: '/health',
    });
    expect(answer.status).toBe(400);
    expect(securityHeadersOf(answer.headers)).toEqual(SECURITY_HEADERS);
  });

  it('refuses upgrades with the security headers (404 elsewhere than /ws, 503 beyond MAX_CONNECTIONS)', async () => {
    const upgrade = (path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> =>
      new Promise((resolve, reject) => {
        const { port } = new URL(server.url);
        const req = request({
          host: '127.0.0.1',
          port,
          path,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      });
    const elsewhere = await upgrade('/chat');
    expect(elsewhere.status).toBe(404);
    expect(securityHeadersOf(elsewhere.headers)).toEqual(SECURITY_HEADERS);
    const client = await ChatClient.connect(server.wsUrl);
    await client.until('waiting');
    const full = await upgrade('/ws');
    expect(full.status).toBe(503);
    expect(securityHeadersOf(full.headers)).toEqual(SECURITY_HEADERS);
    await client.close();
  });
});
