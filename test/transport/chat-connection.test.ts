import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { ChatService, ChatSession } from '../../src/services/chat-service';
import { ChatConnection } from '../../src/transport/ws/chat-connection';
import { parseClientFrame } from '../../src/transport/ws/frames';
import { TokenBucket } from '../../src/transport/ws/token-bucket';

/** Just enough of a ws WebSocket to watch what a ChatConnection does with it. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  close(): void {
    this.readyState = 2;
  }
}

function connectionWith(socket: FakeSocket, sent: string[] = []): ChatConnection {
  const session: ChatSession = {
    conversationId: 'c1',
    flowVersion: 1,
    resumed: false,
    start: () => undefined,
    send: (text) => void sent.push(text),
    detach: () => undefined,
  };
  const chat = { open: async () => session } as unknown as ChatService;
  const logger = { debug: () => undefined, warn: () => undefined };
  return new ChatConnection(socket as unknown as WebSocket, chat, logger, {
    maxMessageChars: 2000,
    messagesPerSecond: 1000,
    messageBurst: 1000,
    maxBufferedBytes: 1024,
  });
}

describe('ChatConnection back-pressure', () => {
  it('drops a client whose unread buffer passed the limit instead of queueing more', async () => {
    const socket = new FakeSocket();
    const connection = connectionWith(socket);
    await connection.open(undefined);
    expect(socket.sent).toHaveLength(1); // the conversation frame
    socket.bufferedAmount = 4096;
    connection.onTurn({
      events: [{ type: 'waiting', blockId: 'ask', at: new Date() }],
      outcome: 'waiting',
      blockId: 'ask',
      variables: {},
      snapshot: null,
      resumed: false,
    });
    expect(socket.terminated).toBe(true);
    expect(socket.sent).toHaveLength(1);
  });

  it('passes messages received while the conversation opens on, in order', async () => {
    const socket = new FakeSocket();
    const sent: string[] = [];
    const connection = connectionWith(socket, sent);
    const opening = connection.open(undefined);
    socket.emit('message', Buffer.from('{"type":"message","text":"one"}'), false);
    socket.emit('message', Buffer.from('{"type":"message","text":"two"}'), false);
    await opening;
    expect(sent).toEqual(['one', 'two']);
  });
});

/** The default of MAX_MESSAGE_CHARS. */
const MAX_CHARS = 2000;

describe('parseClientFrame', () => {
  it('makes text with lone surrogates well formed, so that what is stored is what the flow used', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'message', text: 'a\ud800b' }), MAX_CHARS)).toEqual({ ok: true, text: 'a\ufffdb' });
  });
});

describe('parseClientFrame: what a person typed', () => {
  const frame = (text: string) => JSON.stringify({ type: 'message', text });

  it('counts characters as a person does: 2000 emoji fit, 2001 do not', () => {
    expect(parseClientFrame(frame('👍'.repeat(2000)), MAX_CHARS)).toEqual({ ok: true, text: '👍'.repeat(2000) });
    expect(parseClientFrame(frame('👍🏽'.repeat(2000)), MAX_CHARS)).toMatchObject({ ok: true });
    expect(parseClientFrame(frame('👍'.repeat(2001)), MAX_CHARS)).toMatchObject({
      ok: false,
      error: { code: 'invalid_message', message: '"text" is longer than 2000 characters' },
    });
    expect(parseClientFrame(frame('x'.repeat(2001)), MAX_CHARS)).toMatchObject({ ok: false });
  });

  it('neutralises NUL, escape sequences, other controls and bidi overrides before the flow sees the text', () => {
    expect(parseClientFrame(frame('a\u0000b\u001b[31mc\u202ed\u2066e\u0085f'), MAX_CHARS)).toEqual({ ok: true, text: 'ab[31mcdef' });
    expect(parseClientFrame(frame('line one\r\nline\ttwo'), MAX_CHARS)).toEqual({ ok: true, text: 'line one\nline\ttwo' });
    expect(parseClientFrame(frame('\u0000\u202e \u0007'), MAX_CHARS)).toMatchObject({ ok: false, error: { message: '"text" is empty' } });
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, { now: () => new Date(now), monotonic: () => now });
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 10000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
