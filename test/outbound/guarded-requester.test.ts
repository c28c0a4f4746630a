import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { GuardedHttpRequester, type Resolver } from '../../src/outbound/guarded-requester';
import { parseAllowedHosts } from '../../src/outbound/allowed-hosts';
import type { HttpRequest } from '../../src/runtime/http-requester';
import { HttpStub, json } from '../support/http-stub';

const MIB = 1024 * 1024;

function requester(
  options: { allow?: string; maxResponseBytes?: number; maxConcurrent?: number; resolve?: Resolver } = {},
): GuardedHttpRequester {
  return new GuardedHttpRequester({
    allowedHosts: parseAllowedHosts(options.allow ?? '').hosts,
    maxResponseBytes: options.maxResponseBytes ?? 65536,
    maxConcurrent: options.maxConcurrent ?? 8,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
}

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { blockId: 'lookup', method: 'GET', url, headers: {}, timeoutMs: 5000, signal: new AbortController().signal, ...extra };
}

describe('the guarded HTTP client, against real servers on 127.0.0.1', () => {
  let stub: HttpStub;
  beforeEach(async () => {
    stub = await HttpStub.start();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('refuses 127.0.0.1 without the allow-list, and the stub sees nothing', async () => {
    const answer = await requester().request(get(`${stub.origin}/api/orders/1`));
    expect(answer).toEqual({
      ok: false,
      error: 'blocked',
      detail: `127.0.0.1:${stub.port} is not a public address: 127.0.0.1 (loopback); add it to HTTP_ALLOWED_HOSTS to allow it`,
    });
    expect(stub.connections).toBe(0);
    expect(stub.requests).toEqual([]);
  });

  it('calls 127.0.0.1 when HTTP_ALLOWED_HOSTS lists it with its port, and only on that port', async () => {
    const allowed = requester({ allow: `127.0.0.1:${stub.port}` });
    expect(await allowed.request(get(`${stub.origin}/x`))).toEqual({ ok: true, status: 200, body: '{"ok":true}' });
    const other = await HttpStub.start();
    try {
      expect(await allowed.request(get(`${other.origin}/x`))).toMatchObject({ ok: false, error: 'blocked' });
      expect(other.connections).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses the IPv6 and IPv4-mapped spellings of loopback', async () => {
    const client = requester();
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::1]', '0x7f.1', '2130706433', '127.1']) {
      const answer = await client.request(get(`http://${host}:${stub.port}/`));
      expect({ host, answer }).toMatchObject({ host, answer: { ok: false, error: 'blocked' } });
    }
    expect(stub.connections).toBe(0);
  });

  it('resolves a name once and never reaches the private address of the answer', async () => {
    // Two servers on two loopback addresses, on the same port: 127.0.0.1 stands for the public
    // address (allowed by the list), 127.0.0.2 for a private one the resolver also answers.
    const inside = await HttpStub.start('127.0.0.2');
    const publicStub = stub;
    const calls: string[] = [];
    const resolve: Resolver = (hostname) => {
      calls.push(hostname);
      return Promise.resolve([
        { address: '127.0.0.1', family: 4 },
        { address: '127.0.0.2', family: 4 },
      ]);
    };
    try {
      const client = requester({ allow: `127.0.0.1:${publicStub.port},127.0.0.1:${inside.port}`, resolve });
      publicStub.handler = (_request, res) => json(res, 200, { where: 'public' });
      expect(await client.request(get(`http://orders.test:${publicStub.port}/`))).toEqual({
        ok: true,
        status: 200,
        body: '{"where":"public"}',
      });
      expect(publicStub.requests).toHaveLength(1);
      expect(publicStub.requests[0]?.headers.host).toBe(`orders.test:${publicStub.port}`);
      expect(calls).toEqual(['orders.test']);
      expect(inside.connections).toBe(0);
    } finally {
      await inside.close();
    }
  });

  it('connects only to the first address that passes: a public one that does not answer is not replaced by the private one', async () => {
    let resolved = 0;
    // 203.0.113.7 (TEST-NET-3) answers nothing here; 127.0.0.1 is the stub, not allowed.
    const resolve: Resolver = () => {
      resolved += 1;
      return Promise.resolve([
        { address: '203.0.113.7', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ]);
    };
    const answer = await requester({ resolve }).request(get(`http://rebind.test:${stub.port}/`, { timeoutMs: 300 }));
    expect(answer.ok).toBe(false);
    expect(['timeout', 'network']).toContain(answer.ok ? undefined : answer.error);
    expect(resolved).toBe(1);
    expect(stub.connections).toBe(0);
  });

  it('refuses a name whose every address is private, naming them', async () => {
    const resolve: Resolver = () =>
      Promise.resolve([
        { address: '10.0.0.5', family: 4 },
        { address: 'fd00::5', family: 6 },
      ]);
    expect(await requester({ resolve }).request(get('http://orders.internal/x'))).toEqual({
      ok: false,
      error: 'blocked',
      detail:
        'orders.internal:80 is not a public address: 10.0.0.5 (private), fd00::5 (private (unique local)); add it to HTTP_ALLOWED_HOSTS to allow it',
    });
  });

  it('answers a name that does not resolve with network', async () => {
    const resolve: Resolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    expect(await requester({ resolve }).request(get('http://nowhere.test/'))).toEqual({
      ok: false,
      error: 'network',
      detail: 'could not resolve nowhere.test: ENOTFOUND',
    });
  });

  it('does not follow a redirect: the 302 is the answer, and its target sees nothing', async () => {
    const target = await HttpStub.start();
    try {
      stub.handler = (_request, res) => {
        res.writeHead(302, { location: `${target.origin}/admin` });
        res.end();
      };
      const client = requester({ allow: `127.0.0.1` });
      expect(await client.request(get(`${stub.origin}/start`))).toEqual({ ok: true, status: 302, body: '' });
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('calls only http: and https: URLs without user info', async () => {
    const client = requester({ allow: '127.0.0.1' });
    expect(await client.request(get(`ftp://127.0.0.1:${stub.port}/`))).toMatchObject({ ok: false, error: 'blocked' });
    expect(await client.request(get(`file:///etc/passwd`))).toMatchObject({ ok: false, error: 'blocked' });
    expect(await client.request(get(`http://user:pw@127.0.0.1:${stub.port}/`))).toMatchObject({
      ok: false,
      error: 'blocked',
      detail: 'URLs with user info are not called',
    });
    expect(stub.connections).toBe(0);
  });

  it('sends the path exactly as built, dot segments and percent-encoding kept', async () => {
    const client = requester({ allow: '127.0.0.1' });
    await client.request(get(`${stub.origin}/api/orders/%2E%2E%2Fadmin%3Fx%3D1%23?q=a%26b#fragment`));
    expect(stub.requests[0]?.url).toBe('/api/orders/%2E%2E%2Fadmin%3Fx%3D1%23?q=a%26b');
  });

  it('gives up on a server that never answers at timeoutMs, closing the connection', async () => {
    stub.handler = () => undefined; // never answers
    const answer = await requester({ allow: '127.0.0.1' }).request(get(`${stub.origin}/slow`, { timeoutMs: 200 }));
    expect(answer).toEqual({ ok: false, error: 'timeout', detail: 'no answer within 200 ms' });
    await stub.until(() => stub.aborted === 1);
  });

  it('stops reading a 10 MB answer at HTTP_MAX_RESPONSE_BYTES: too_large, without holding the answer in memory', async () => {
    let written = 0;
    let finished = false;
    stub.handler = (_request, res: ServerResponse) => {
      // No content-length: the answer streams, and only counting can stop it.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (written < 10 * MIB) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        finished = true;
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    };
    // Socket data arrives in Buffers, outside the JS heap: both count.
    const held = (): number => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const before = held();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, held())), 1);
    const answer = await requester({ allow: '127.0.0.1', maxResponseBytes: 65536 }).request(get(`${stub.origin}/big`));
    clearInterval(sampler);
    const grown = Math.max(peak, held()) - before;
    expect(answer).toEqual({
      ok: false,
      error: 'too_large',
      status: 200,
      detail: 'the answer is larger than 65536 bytes (HTTP_MAX_RESPONSE_BYTES)',
    });
    await stub.until(() => stub.aborted === 1);
    // The server could not write the whole answer: the connection was closed under it.
    expect(finished).toBe(false);
    expect(written).toBeLessThan(10 * MIB);
    // Reading stopped at 64 KiB (plus what was in flight); 10 MB held in memory would show here.
    expect(grown).toBeLessThan(5 * MIB);
  });

  it('refuses an answer whose content-length is over the limit before reading it', async () => {
    stub.handler = (_request, res) => {
      res.writeHead(200, { 'content-length': String(2 * MIB), 'content-type': 'application/json' });
      res.write('{');
    };
    expect(await requester({ allow: '127.0.0.1', maxResponseBytes: 1024 }).request(get(`${stub.origin}/big`))).toMatchObject({
      ok: false,
      error: 'too_large',
      status: 200,
    });
  });

  it('aborts the call when its signal fires (the conversation left the block)', async () => {
    stub.handler = () => undefined;
    const controller = new AbortController();
    const pending = requester({ allow: '127.0.0.1' }).request(get(`${stub.origin}/slow`, { signal: controller.signal }));
    await stub.until(() => stub.requests.length === 1);
    controller.abort();
    expect(await pending).toEqual({ ok: false, error: 'network', detail: 'the call was aborted: the conversation left the block' });
    await stub.until(() => stub.aborted === 1);
  });

  it('keeps at most HTTP_MAX_CONCURRENT calls in flight; the others wait their turn', async () => {
    let open = 0;
    let most = 0;
    stub.handler = (_request, res) => {
      open += 1;
      most = Math.max(most, open);
      setTimeout(() => {
        open -= 1;
        json(res, 200, {});
      }, 30);
    };
    const client = requester({ allow: '127.0.0.1', maxConcurrent: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => client.request(get(`${stub.origin}/x`))));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(most).toBe(2);
    expect(stub.requests).toHaveLength(6);
    expect(client.load).toEqual({ inFlight: 0, queued: 0 });
  });

  it('answers a refused connection with network', async () => {
    const port = stub.port;
    await stub.close();
    const answer = await requester({ allow: '127.0.0.1' }).request(get(`http://127.0.0.1:${port}/`));
    expect(answer).toMatchObject({ ok: false, error: 'network' });
    expect(answer.ok ? '' : answer.detail).toContain('ECONNREFUSED');
    stub = await HttpStub.start();
  });

  it('sends the method, headers and body it is given', async () => {
    await requester({ allow: '127.0.0.1' }).request({
      ...get(`${stub.origin}/orders`),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: '{"a":"é"}',
    });
    expect(stub.requests[0]).toMatchObject({
      method: 'POST',
      url: '/orders',
      body: '{"a":"é"}',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-trace': 't1', 'content-length': '10' }),
    });
  });
});

describe('the guarded HTTP client over TLS', () => {
  const dir = join(__dirname, '..', 'fixtures', 'tls');
  let server: Server;
  const servernames: string[] = [];

  beforeAll(async () => {
    // A self-signed certificate for orders.test (a test-only key, in test/fixtures/tls).
    const credentials = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const context = createSecureContext(credentials);
    // SNICallback sees the name the client asked for, even when the client then refuses the certificate.
    const SNICallback = (servername: string, done: (err: Error | null, ctx?: SecureContext) => void): void => {
      servernames.push(servername);
      done(null, context);
    };
    server = createTlsServer({ ...credentials, SNICallback }, (_req, res) => json(res, 200, {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('connects to the checked address, names the host in SNI, and verifies the certificate', async () => {
    const port = (server.address() as AddressInfo).port;
    const resolve: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const answer = await requester({ allow: `orders.test:${port}`, resolve }).request(get(`https://orders.test:${port}/x`));
    // The handshake reached the server at the pinned address for orders.test, and the client refused
    // the self-signed certificate: TLS verification is not switched off for http blocks.
    expect(servernames).toEqual(['orders.test']);
    expect(answer).toMatchObject({ ok: false, error: 'network' });
    expect(answer.ok ? '' : answer.detail).toMatch(/self-signed certificate/);
  });
});
