import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeepAliveFetch, MAX_RESPONSE_BYTES } from '../../../src/intent/openai/keep-alive-fetch';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; sockets: () => number }> {
  const seen = new Set<unknown>();
  const server = createServer((req, res) => {
    seen.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets: () => seen.size };
}

describe('keepAliveFetch', () => {
  const transport = createKeepAliveFetch();
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });
  afterAll(() => transport.close());

  it('sends the method, headers and body, answers a standard Response, and reuses the socket', async () => {
    const s = await serve((req, body, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-test']) });
      res.end(JSON.stringify({ method: req.method, body, length: req.headers['content-length'] }));
    });
    server = s.server;
    for (let i = 0; i < 3; i += 1) {
      const response = await transport.fetch(`${s.url}/v1/x`, { method: 'POST', headers: new Headers({ 'x-test': 'yes' }), body: 'héllo' });
      expect([response.status, response.headers.get('x-echo')]).toEqual([201, 'yes']);
      expect(await response.json()).toEqual({ method: 'POST', body: 'héllo', length: '6' });
    }
    expect(s.sockets()).toBe(1);
  });

  it('keeps its sockets when more than 256 requests were in flight (node keeps 256 idle ones by default)', async () => {
    const inFlight = 300;
    let waiting: Array<() => void> = [];
    const s = await serve((_req, _body, res) => {
      // Every request of a wave is answered once all of them arrived: the wave holds 300 sockets at once.
      waiting.push(() => res.end('{}'));
      if (waiting.length === inFlight) {
        const answer = waiting;
        waiting = [];
        for (const respond of answer) respond();
      }
    });
    server = s.server;
    const wave = (): Promise<number[]> => Promise.all(Array.from({ length: inFlight }, () => transport.fetch(s.url).then((r) => r.status)));
    await wave();
    await wave();
    expect(s.sockets()).toBe(inFlight);
  });

  it('sends the header lines node sends for the same headers given as an object (Host and credentials included)', async () => {
    const seen: string[][] = [];
    const s = await serve((req, _body, res) => {
      seen.push(req.rawHeaders);
      res.end('{}');
    });
    server = s.server;
    const url = `${s.url.replace('http://', 'http://user:p%40ss@')}/v1/x`;
    const agent = new Agent({ keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const headers = { accept: 'application/json', 'x-test': 'yes', 'content-length': '5' };
        const req = httpRequest(url, { method: 'POST', headers, agent }, (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end('hello');
      });
    } finally {
      agent.destroy();
    }
    await transport.fetch(url, { method: 'post', headers: new Headers({ 'x-test': 'yes', accept: 'application/json' }), body: 'hello' });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]).toEqual(expect.arrayContaining(['Host', s.url.slice('http://'.length), 'Authorization', `Basic ${btoa('user:p@ss')}`]));
  });

  it('answers a 204 without a body', async () => {
    const s = await serve((_req, _body, res) => {
      res.writeHead(204);
      res.end();
    });
    server = s.server;
    const response = await transport.fetch(s.url);
    expect([response.status, await response.text()]).toEqual([204, '']);
  });

  it('rejects a response larger than MAX_RESPONSE_BYTES', async () => {
    const s = await serve((_req, _body, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(MAX_RESPONSE_BYTES + 1024));
    });
    server = s.server;
    await expect(transport.fetch(s.url)).rejects.toThrow(/larger than/);
  });

  it('rejects with the abort reason and cuts the request when the signal aborts', async () => {
    let closed!: () => void;
    const cut = new Promise<void>((resolve) => (closed = resolve));
    const s = await serve((req) => req.socket.on('close', closed));
    server = s.server;
    const controller = new AbortController();
    const pending = transport.fetch(s.url, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await cut;
  });

  it('rejects at once on an already aborted signal, and on a refused connection', async () => {
    await expect(transport.fetch('http://127.0.0.1:9', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(transport.fetch('http://127.0.0.1:9')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
