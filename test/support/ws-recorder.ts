import WebSocket from 'ws';
import type { AsyncApiCheck } from './asyncapi-check';
import { asyncApiCheckFor } from './descriptions';
import { recordViolation } from './description-violations';

export type RecordedFrame = { type: string; [key: string]: unknown };

/**
 * A low-level WebSocket client for fuzz and crash tests: sends any bytes as text or binary frames
 * (ws does not validate what it sends, so invalid UTF-8 can go out as a text frame), records every
 * frame received (and frames that are not JSON, which would be a server bug) and how the socket closed.
 * Unlike ChatClient it never throws from its listeners. Frames received and close codes are checked
 * against the server's AsyncAPI document (what it sends is deliberately anything at all): a frame the
 * description does not allow also counts as garbage.
 */
export class WsRecorder {
  readonly frames: RecordedFrame[] = [];
  /** Frames that were not JSON objects: the server should never send any. */
  readonly garbage: string[] = [];
  close: { code: number; reason: string } | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    check: AsyncApiCheck,
  ) {
    ws.on('message', (data: Buffer, isBinary) => {
      const text = data.toString();
      try {
        const value: unknown = JSON.parse(text);
        const problems = check.serverFrameProblems(value);
        problems.forEach(recordViolation);
        if (
          isBinary ||
          typeof value !== 'object' ||
          value === null ||
          typeof (value as { type?: unknown }).type !== 'string' ||
          problems.length
        )
          this.garbage.push(text);
        else this.frames.push(value as RecordedFrame);
      } catch {
        this.garbage.push(text);
      }
      this.changed();
    });
    ws.on('close', (code, reason) => {
      check.closeProblems(code).forEach(recordViolation);
      this.close = { code, reason: reason.toString() };
      this.changed();
    });
    // Errors (refused upgrade, reset) end in 'close' too; the test looks at `close`.
    ws.on('error', () => undefined);
  }

  static async connect(url: string, timeoutMs = 5000): Promise<WsRecorder> {
    const check = await asyncApiCheckFor(url);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const recorder = new WsRecorder(ws, check);
      ws.once('open', () => resolve(recorder));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends raw data as one frame; `binary: false` makes it a text frame whatever the bytes are. */
  sendRaw(data: string | Buffer, binary = false): void {
    if (this.isOpen) this.ws.send(data, { binary });
  }

  count(type: string): number {
    return this.frames.filter((f) => f.type === type).length;
  }

  /** Resolves when `predicate` holds (checked on every frame and on close); rejects after the timeout. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; close=${JSON.stringify(this.close)} last frames=${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  waitForClose(timeoutMs = 10000): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.close !== undefined, 'close', timeoutMs).then(() => this.close as { code: number; reason: string });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
