import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadSettings } from '../../src/config/settings';
import type { Block, Flow } from '../../src/flow/types';
import type { Storage } from '../../src/storage/repositories';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { forgetDescriptions } from '../support/descriptions';
import { checkedFetch } from '../support/http-client';
import { HttpStub, json } from '../support/http-stub';
import { localClassifier } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

const SECRET = 'tok-5ecr3t/+&=value';

interface Server {
  app: App;
  storage: Storage;
  url: string;
  wsUrl: string;
  dir: string;
  dbPath: string;
  /** Every log line the server wrote (level debug and up). */
  logs: string[];
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 whose logs are kept, with the stub's address allowed and the secret set. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'flowbot-http-'));
  const dbPath = join(dir, 'flowbot.sqlite');
  const settings = loadSettings({ DATABASE_PATH: dbPath, LOG_LEVEL: 'debug', FLOWBOT_SECRET_TOKEN: SECRET, ...env });
  const logs: string[] = [];
  const logger = pino({ level: settings.logLevel }, { write: (line: string) => void logs.push(line) });
  const storage = openSqliteStorage({ path: dbPath, logger });
  const detector = localClassifier();
  const app = await createApp({ settings, storage, logger, intent: { detector, status: () => ({ provider: 'local' as const }) } });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    storage,
    url,
    wsUrl: `ws://127.0.0.1:${address.port}/ws`,
    dir,
    dbPath,
    logs,
    close: async () => {
      forgetDescriptions(url);
      await app.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** ask → the http block under test → `ok` or `failed`, which say what the call left in the variables. */
function flowWith(
  http: Record<string, unknown>,
  says = 'ok status={{orderStatus|-}} eta={{eta|-}} code={{code|-}} missing={{missing|unset}}',
): Flow {
  return {
    name: 'http test',
    start: 'ask',
    blocks: [
      { id: 'ask', type: 'wait', saveAs: 'q', next: 'call' },
      { id: 'call', type: 'http', method: 'GET', next: 'ok', onError: 'failed', ...http } as unknown as Block,
      { id: 'ok', type: 'message', text: says, next: 'ask' },
      { id: 'failed', type: 'message', text: 'failed error={{httpError}} status={{httpStatus|none}}', next: 'ask' },
    ],
  };
}

async function upload(server: Server, flow: Flow): Promise<{ version: number; warnings: Array<{ code: string; path: string }> }> {
  const res = await checkedFetch(`${server.url}/api/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(flow),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { version: number; warnings: Array<{ code: string; path: string }> };
}

async function converse(server: Server): Promise<ChatClient> {
  const client = await ChatClient.connect(server.wsUrl);
  await client.next('conversation');
  await client.until('waiting');
  return client;
}

interface HistoryStep {
  event: string;
  method?: string;
  url?: string;
  status?: number;
  httpError?: string;
  latencyMs?: number;
  error?: string;
}

async function history(server: Server, client: ChatClient): Promise<{ steps: HistoryStep[]; variables: Record<string, unknown> }> {
  const id = String(client.frames[0]?.conversationId);
  const res = await checkedFetch(`${server.url}/api/conversations/${id}`);
  return (await res.json()) as { steps: HistoryStep[]; variables: Record<string, unknown> };
}

describe('the http block, against a real service on 127.0.0.1', () => {
  let stub: HttpStub;
  let server: Server;
  let client: ChatClient | undefined;

  beforeEach(async () => {
    stub = await HttpStub.start();
    server = await startServer({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${stub.port}` });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.close();
    await stub.close();
  });

  it('GETs with a templated path, query and headers, and saves by pointer, a missing pointer and $status', async () => {
    stub.handler = (_request, res) => json(res, 200, { status: 'shipped', delivery: { eta: '2026-12-03' } });
    await upload(
      server,
      flowWith({
        url: `${stub.origin}/api/orders/{{q}}?lang={{lang|en}}&view={{q}}`,
        headers: { 'X-Order': 'order {{q}}', Accept: 'application/json' },
        save: { orderStatus: '/status', eta: '/delivery/eta', missing: '/no/such/field', code: '$status' },
      }),
    );
    client = await converse(server);
    expect(await client.ask('A 1001')).toEqual(['ok status=shipped eta=2026-12-03 code=200 missing=unset']);
    expect(stub.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: '/api/orders/A%201001?lang=en&view=A%201001',
        headers: expect.objectContaining({ 'x-order': 'order A 1001', accept: 'application/json' }),
        body: '',
      }),
    ]);
    const { steps, variables } = await history(server, client);
    expect(steps.filter((s) => s.event.startsWith('http.'))).toEqual([
      expect.objectContaining({
        event: 'http.ok',
        method: 'GET',
        url: `${stub.origin}/api/orders/A%201001?lang=en&view=A%201001`,
        status: 200,
        latencyMs: expect.any(Number),
      }),
    ]);
    expect(variables).toMatchObject({ orderStatus: 'shipped', eta: '2026-12-03', code: 200, httpStatus: 200 });
    expect(variables).not.toHaveProperty('missing');
  });

  it('POSTs a JSON body whose strings are templates', async () => {
    stub.handler = (_request, res) => json(res, 201, { id: 77 });
    await upload(
      server,
      flowWith(
        {
          method: 'POST',
          url: `${stub.origin}/api/notes/{{q}}`,
          body: { note: 'from {{q}}', count: 3, nested: { list: ['{{q}}', true, null] } },
          save: { noteId: '/id' },
        },
        'saved {{noteId}}',
      ),
    );
    client = await converse(server);
    expect(await client.ask('n1')).toEqual(['saved 77']);
    const [request] = stub.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/api/notes/n1',
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ note: 'from n1', count: 3, nested: { list: ['n1', true, null] } });
  });

  it('goes to onError on a 404 and a 500, with httpError and httpStatus set', async () => {
    stub.handler = (request, res) => json(res, request.url.endsWith('/404') ? 404 : 500, { error: 'nope' });
    await upload(server, flowWith({ url: `${stub.origin}/api/orders/{{q}}`, save: { orderStatus: '/status' } }));
    client = await converse(server);
    expect(await client.ask('404')).toEqual(['failed error=status status=404']);
    expect(await client.ask('500')).toEqual(['failed error=status status=500']);
    const { steps } = await history(server, client);
    expect(steps.filter((s) => s.event.startsWith('http.'))).toEqual([
      expect.objectContaining({ event: 'http.error', method: 'GET', status: 404, httpError: 'status', error: 'the service answered 404' }),
      expect.objectContaining({ event: 'http.error', method: 'GET', status: 500, httpError: 'status', error: 'the service answered 500' }),
    ]);
  });

  it('times out a service that never answers within timeoutMs, and says timeout', async () => {
    stub.handler = () => undefined;
    await upload(server, flowWith({ url: `${stub.origin}/slow`, timeoutMs: 300 }));
    client = await converse(server);
    expect(await client.ask('x')).toEqual(['failed error=timeout status=none']);
    await stub.until(() => stub.aborted === 1);
    const { steps } = await history(server, client);
    expect(steps.find((s) => s.event === 'http.error')).toMatchObject({ httpError: 'timeout', error: 'no answer within 300 ms' });
  });

  it('does not follow a redirect: onError with status 302, and its target sees nothing', async () => {
    const target = await HttpStub.start();
    try {
      stub.handler = (_request, res) => {
        res.writeHead(302, { location: `${target.origin}/elsewhere` });
        res.end();
      };
      await upload(server, flowWith({ url: `${stub.origin}/moved` }));
      client = await converse(server);
      expect(await client.ask('x')).toEqual(['failed error=status status=302']);
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('keeps user text inside its own path segment: ../admin?x=1# cannot climb, add a query or cut the URL', async () => {
    await upload(server, flowWith({ url: `${stub.origin}/api/orders/{{q}}/items?from=web` }));
    client = await converse(server);
    await client.ask('../admin?x=1#');
    expect(stub.requests.map((r) => r.url)).toEqual(['/api/orders/%2E%2E%2Fadmin%3Fx%3D1%23/items?from=web']);
    expect(decodeURIComponent('%2E%2E%2Fadmin%3Fx%3D1%23')).toBe('../admin?x=1#');
  });

  it('refuses a service that HTTP_ALLOWED_HOSTS does not list (127.0.0.1 on another port): blocked, and it sees nothing', async () => {
    const other = await HttpStub.start();
    try {
      await upload(server, flowWith({ url: `${other.origin}/api/orders/{{q}}` }));
      client = await converse(server);
      expect(await client.ask('1')).toEqual(['failed error=blocked status=none']);
      expect(other.connections).toBe(0);
      const { steps } = await history(server, client);
      expect(steps.find((s) => s.event === 'http.error')).toMatchObject({
        httpError: 'blocked',
        error: `127.0.0.1:${other.port} is not a public address: 127.0.0.1 (loopback); add it to HTTP_ALLOWED_HOSTS to allow it`,
      });
    } finally {
      await other.close();
    }
  });

  it('says invalid_json for a 2xx that is not JSON when a pointer has to read it', async () => {
    stub.handler = (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    };
    await upload(server, flowWith({ url: `${stub.origin}/x`, save: { orderStatus: '/status' } }));
    client = await converse(server);
    expect(await client.ask('x')).toEqual(['failed error=invalid_json status=200']);
  });

  it('aborts the call in flight when the client disconnects', async () => {
    stub.handler = () => undefined;
    await upload(server, flowWith({ url: `${stub.origin}/slow`, timeoutMs: 20000 }));
    client = await converse(server);
    client.say('x');
    await stub.until(() => stub.requests.length === 1);
    await client.close();
    client = undefined;
    // The server closed its connection to the service long before the 20 s timeout.
    await stub.until(() => stub.aborted === 1, 3000);
  });

  it('counts outbound calls and failures in /health', async () => {
    stub.handler = (request, res) => json(res, request.url === '/ok' ? 200 : 503, {});
    await upload(server, flowWith({ url: `${stub.origin}/{{q}}` }));
    client = await converse(server);
    await client.ask('ok');
    await client.ask('down');
    await client.ask('down');
    const res = await checkedFetch(`${server.url}/health`);
    expect(((await res.json()) as { http: unknown }).http).toEqual({ calls: 3, failures: 2, failuresByError: { status: 2 } });
    expect(server.logs.some((line) => line.includes('an http block call failed: status'))).toBe(true);
  });

  it('warns at upload about a secret the server does not have', async () => {
    const { warnings } = await upload(
      server,
      flowWith({ url: `${stub.origin}/x?key={{secret.MISSING_KEY}}`, headers: { Authorization: 'Bearer {{secret.TOKEN}}' } }, 'ok'),
    );
    expect(warnings).toEqual([expect.objectContaining({ code: 'secret_not_set', path: '/blocks/1/url' })]);
  });

  it('refuses a secret outside an http block at upload', async () => {
    const flow = flowWith({ url: `${stub.origin}/x` }, 'the token is {{secret.TOKEN}}');
    const res = await checkedFetch(`${server.url}/api/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ code: 'secret_outside_http', path: '/blocks/2/text' }),
    ]);
  });

  it('never lets a secret into a stored row, an export, a log line or a frame', async () => {
    // The service even echoes the token back (a value the flow saves) and fails on the second call.
    let calls = 0;
    stub.handler = (request, res) => {
      calls += 1;
      if (calls === 2) return json(res, 500, { error: `bad token ${String(request.headers.authorization)}` });
      return json(res, 200, { status: 'shipped', echo: String(request.headers.authorization) });
    };
    await upload(
      server,
      flowWith(
        {
          method: 'POST',
          url: `${stub.origin}/api/orders/{{q}}?key={{secret.TOKEN}}`,
          headers: { Authorization: 'Bearer {{secret.TOKEN}}' },
          body: { token: '{{secret.TOKEN}}', q: '{{q}}' },
          save: { orderStatus: '/status', echo: '/echo' },
        },
        'ok {{orderStatus}} {{echo}}',
      ),
    );
    client = await converse(server);
    expect(await client.ask('1001')).toEqual(['ok shipped Bearer ***']);
    expect(await client.ask('1002')).toEqual(['failed error=status status=500']);
    // The service got the secret everywhere the flow put it.
    expect(stub.requests[0]?.url).toBe(`/api/orders/1001?key=${encodeURIComponent(SECRET)}`);
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(stub.requests[0]?.body ?? '')).toEqual({ token: SECRET, q: '1001' });

    const { steps } = await history(server, client);
    expect(steps.filter((s) => s.event.startsWith('http.')).map((s) => s.url)).toEqual([
      `${stub.origin}/api/orders/1001?key=***`,
      `${stub.origin}/api/orders/1002?key=***`,
    ]);

    const seen: string[] = [];
    seen.push(...client.frames.map((frame) => JSON.stringify(frame)));
    const id = String(client.frames[0]?.conversationId);
    for (const path of [
      `/api/conversations/${id}`,
      '/api/conversations',
      '/api/flows/current',
      '/api/flows/current/machine?format=json',
      '/api/flows/current/machine?format=js',
      '/api/flows/current/machine?format=mermaid',
      '/api/flows/current/machine?format=diagram',
      '/health',
    ]) {
      const res = await checkedFetch(`${server.url}${path}`);
      seen.push(await res.text());
    }
    await client.close();
    client = undefined;
    // Every row of every table, read straight from the database file.
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
      for (const { name } of tables) seen.push(JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all()));
    } finally {
      db.close();
    }
    // And the database files as bytes (the WAL included), and the log.
    for (const file of readdirSync(server.dir)) seen.push(readFileSync(join(server.dir, file)).toString('latin1'));
    seen.push(...server.logs);
    expect(server.logs.some((line) => line.includes('an http block call failed'))).toBe(true);

    const forms = [SECRET, encodeURIComponent(SECRET), JSON.stringify(SECRET).slice(1, -1), '5ecr3t'];
    const leaks = seen.filter((text) => forms.some((form) => text.includes(form)));
    expect(leaks).toEqual([]);
  });
});
