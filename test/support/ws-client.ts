import WebSocket from 'ws';

export type Frame = { type: string; [key: string]: unknown };

/**
 * A real `ws` client that records frames, for integration tests. `next()` returns frames in arrival
 * order; every wait has a timeout so a broken server fails the test instead of hanging it.
 */
export class ChatClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readIndex = 0;
  private notify: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.notify?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify?.();
      });
    });
    ws.on('error', () => undefined);
  }

  static connect(url: string): Promise<ChatClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new ChatClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The next frame not yet read (optionally checking its type). */
  async next(type?: string, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.readIndex >= this.frames.length) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type ?? 'a frame'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type ?? 'a frame'}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const frame = this.frames[this.readIndex++] as Frame;
    if (type && frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Reads frames up to and including the next one of `type`; returns them all. */
  async until(type: string): Promise<Frame[]> {
    const read: Frame[] = [];
    for (;;) {
      const frame = await this.next();
      read.push(frame);
      if (frame.type === type) return read;
    }
  }

  /** Marks every frame received so far as read. */
  skipReceived(): void {
    this.readIndex = this.frames.length;
  }

  say(text: string): void {
    this.ws.send(JSON.stringify({ type: 'message', text }));
  }

  /** Sends a message and returns the bot's texts up to the next `waiting` (or `end`) frame. */
  async ask(text: string): Promise<string[]> {
    this.say(text);
    const texts: string[] = [];
    for (;;) {
      const frame = await this.next();
      if (frame.type === 'message') texts.push(String(frame.text));
      else if (frame.type === 'waiting' || frame.type === 'end') return texts;
      else throw new Error(`unexpected frame ${JSON.stringify(frame)}`);
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}
