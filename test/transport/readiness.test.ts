import { readFileSync } from 'node:fs';
import { DEFAULT_FLOW_PATH } from '../support/flows';
import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { WsRecorder } from '../support/ws-recorder';

/**
 * Readiness tells the truth: while no flow is stored every /ws connection is closed with no_flow, so
 * /health must not say "ok" (a load balancer or Docker would send users to a bot that cannot talk).
 */
describe('/health readiness', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ detector: new FakeDetector(), seedDefaultFlow: false });
  });
  afterEach(async () => {
    await server.close(true);
  });

  it('is 503 not_ready, saying why, while no flow is stored, and ok once one is uploaded', async () => {
    const before = await fetch(`${server.url}/health`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'not_ready', reason: 'no_flow', database: 'ok', flowVersion: null });

    const client = await WsRecorder.connect(server.wsUrl);
    const { code } = await client.waitForClose();
    expect(code).toBe(4503);
    expect(client.frames).toEqual([expect.objectContaining({ type: 'error', code: 'no_flow' })]);

    const upload = await fetch(`${server.url}/api/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: readFileSync(DEFAULT_FLOW_PATH, 'utf8'),
    });
    expect(upload.status).toBe(201);
    const after = await fetch(`${server.url}/health`);
    expect(after.status).toBe(200);
    const body = (await after.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', database: 'ok', flowVersion: 1 });
    expect(body).not.toHaveProperty('reason');
  });
});
