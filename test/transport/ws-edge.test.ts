import { FakeDetector } from '../support/fake-detector';
import { startTestServer, type TestServer } from '../support/test-server';
import { WsRecorder } from '../support/ws-recorder';

/** What comes in through the WebSocket URL and frames is outside input: bounded and neutralised on the way back. */
describe('WebSocket edge', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ detector: new FakeDetector() });
  });
  afterAll(async () => {
    await server.close(true);
  });

  it('does not echo a 10,000-character conversationId whole: the error frame cuts it and says so', async () => {
    const id = 'a'.repeat(10_000);
    const client = await WsRecorder.connect(`${server.wsUrl}?conversationId=${id}`);
    const { code } = await client.waitForClose();
    expect(code).toBe(4404);
    const error = { code: String(client.frames[0]?.code), message: String(client.frames[0]?.message) };
    expect(error.code).toBe('unknown_conversation');
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain('cut');
    expect(error.message).toContain('10000 characters');
  });

  it('removes controls and bidi overrides from a conversationId it quotes', async () => {
    const client = await WsRecorder.connect(`${server.wsUrl}?conversationId=${encodeURIComponent('abc\u202e\u0000def')}`);
    await client.waitForClose();
    expect(client.frames[0]?.message).toBe('conversation abcdef does not exist');
  });

  it('stores and echoes user text without NUL or bidi overrides, and counts emoji as characters', async () => {
    const client = await WsRecorder.connect(server.wsUrl);
    await client.waitFor(() => client.count('waiting') >= 1, 'the first wait');
    const conversationId = String(client.frames[0]?.conversationId);
    client.sendRaw(JSON.stringify({ type: 'message', text: 'I\u0000 want \u202egnihtemos\u202c now' }));
    await client.waitFor(() => client.count('waiting') >= 2, 'the answer');
    client.sendRaw(JSON.stringify({ type: 'message', text: '🌧️'.repeat(1500) }));
    await client.waitFor(() => client.count('waiting') >= 3, 'the second answer');
    expect(client.count('error')).toBe(0);
    const echoed = client.frames.filter((f) => f.type === 'message').map((f) => String(f.text));
    // eslint-disable-next-line no-control-regex -- looking for the control characters is the point
    expect(echoed.join('\n')).not.toMatch(/[\u0000\u202a-\u202e]/);
    expect(echoed.some((t) => t.includes('I want gnihtemos now'))).toBe(true);

    const history = (await (await fetch(`${server.url}/api/conversations/${conversationId}`)).json()) as {
      messages: Array<{ from: string; text: string }>;
    };
    expect(history.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual(['I want gnihtemos now', '🌧️'.repeat(1500)]);
    client.ws.close();
    await client.waitForClose();
  });
});
