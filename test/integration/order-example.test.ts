import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedFetch } from '../support/http-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { ChatClient } from '../support/ws-client';

const ROOT = join(__dirname, '..', '..');

/** examples/order-service.js on a free port; resolves with its port once it says where it listens. */
function startOrderService(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'examples', 'order-service.js')], { env: { ...process.env, PORT: '0' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /order service on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the order service exited (${code}): ${out}`)));
  });
}

/** The README's walkthrough of the http example, with the service on a free port instead of 4000. */
describe('flows/order-status.json with examples/order-service.js', () => {
  let service: { child: ChildProcess; port: number };
  let server: TestServer;

  beforeAll(async () => {
    service = await startOrderService();
    server = await startTestServer({
      env: { HTTP_ALLOWED_HOSTS: `127.0.0.1:${service.port}`, FLOWBOT_SECRET_ORDERS_TOKEN: 'demo-token' },
      seedDefaultFlow: false,
    });
  });
  afterAll(async () => {
    await server.close(true);
    service.child.kill();
  });

  it('looks orders up, branches on the status, and handles not found and an outage', async () => {
    const source = readFileSync(join(ROOT, 'flows', 'order-status.json'), 'utf8').replaceAll('127.0.0.1:4000', `127.0.0.1:${service.port}`);
    const upload = await checkedFetch(`${server.url}/api/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: source,
    });
    expect(upload.status).toBe(201);
    expect(((await upload.json()) as { warnings: unknown[] }).warnings).toEqual([]);
    const client = await ChatClient.connect(server.wsUrl);
    try {
      await client.next('conversation');
      expect((await client.until('waiting')).filter((f) => f.type === 'message').map((f) => f.text)).toEqual([
        'Hi! I can tell you where your order is.',
      ]);
      expect(await client.ask('12')).toEqual(['An order number has 4 or 5 digits, e.g. 1001. Which one is yours?']);
      expect(await client.ask('1001')).toEqual(['Order 1001 is on its way: it should arrive on 2026-12-03.', 'Another order number?']);
      expect(await client.ask('1002')).toEqual(['Order 1002 is processing; we will write when it ships.', 'Another order number?']);
      expect(await client.ask('9999')).toEqual(['I could not find order 9999. Please check the number.', 'Another order number?']);
      expect(await client.ask('5000')).toEqual([
        'The order service is not answering right now (status). Please try again in a few minutes.',
        'Another order number?',
      ]);
    } finally {
      await client.close();
    }
  });
});
