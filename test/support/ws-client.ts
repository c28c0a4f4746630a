import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { AsyncApiCheck } from './asyncapi-check';
import { asyncApiCheckFor } from './descriptions';
import { recordViolation } from './description-violations';
import { OpenApiCheck } from './openapi-check';

export type Frame = { type: string; [key: string]: unknown };

/**
 * A real `ws` client that records frames, for integration tests. `next()` returns frames in arrival
 * order; every wait has a timeout so a broken server fails the test instead of hanging it. Every
 * frame received and sent, and every close code, is checked against the server's AsyncAPI document;
 * a refused upgrade against the refusals it lists.
 */
export class ChatClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** What the description does not allow; `next()` throws once there is any. */
  readonly violations: string[] = [];
  private readIndex = 0;
  private notify: (() => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly check: AsyncApiCheck,
  ) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.violate(check.serverFrameProblems(frame));
      this.frames.push(frame);
      this.notify?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.violate(check.closeProblems(code));
        resolve({ code, reason: reason.toString() });
        this.notify?.();
      });
    });
    ws.on('error', () => undefined);
  }

  /** `protocols` and `headers` go on the upgrade request (a preview's token). */
  static async connect(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<ChatClient> {
    const check = await asyncApiCheckFor(url);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
      const client = new ChatClient(ws, check);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const problems = [...OpenApiCheck.securityHeaderProblems(res.headers, false), ...check.refusalProblems(status, text)];
          client.violate(problems);
          reject(new Error(`upgrade refused: ${status}${problems.length ? `; ${problems.join('; ')}` : ''}`));
        });
      });
      ws.once('error', reject);
    });
  }

  private violate(problems: string[]): void {
    for (const problem of problems) {
      this.violations.push(problem);
      recordViolation(problem);
    }
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
    if (this.violations.length) throw new Error(`not allowed by the AsyncAPI document: ${this.violations.join('; ')}`);
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

  /** Sends a text frame that the description allows (it throws when the description does not). */
  send(data: string): void {
    const problems = this.check.clientFrameProblems(data);
    if (problems.length) throw new Error(`the test sends a frame the AsyncAPI document does not allow: ${problems.join('; ')}`);
    this.ws.send(data);
  }

  /**
   * Sends a frame the description does not allow (throws when it does): the server must answer it
   * with an `error` frame, so the description and the server agree on what is a bad frame.
   */
  sendInvalid(data: string | Buffer): void {
    if (typeof data === 'string' && !this.check.clientFrameProblems(data).length) {
      throw new Error(`the AsyncAPI document allows ${data.slice(0, 100)}, which the test sends as invalid`);
    }
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  say(text: string): void {
    this.send(JSON.stringify({ type: 'message', text }));
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
