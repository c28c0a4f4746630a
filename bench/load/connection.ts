import WebSocket from 'ws';
import type { LogEntry, ServerKind } from '../lib/protocol';

/** Messages that each match an intent of the default flow and lead back to `ask` (never `bye`). */
export const TURN_TEXTS = ['weather please', 'any flights?', 'recommend a restaurant nearby'] as const;

/** A bench message for the model path: unique (no answer cache helps) and telling the stub how long to take. */
export function markedText(text: string, id: number, delayMs: number): string {
  return `${text} [bench ${id} ${delayMs}]`;
}

type Frame = { type?: unknown; text?: unknown; blockId?: unknown; conversationId?: unknown };

/**
 * One bench client connection, identical for both servers except for what ends a turn: the echo of
 * the frame (echo server) or the `waiting` frame (the floor and flowbot). Every frame is parsed on both sides, so
 * the client's own cost is the same per frame.
 */
export class BenchConnection {
  conversationId = '';
  /** Set when recording: what the user sent and the bot said, in order. */
  readonly log: LogEntry[] | undefined;
  /** True once the connection has closed or failed. */
  gone = false;
  private resolveTurn: (() => void) | undefined;
  private rejectTurn: ((err: Error) => void) | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly kind: ServerKind,
    record: boolean,
    private readonly onGone: (reason: string) => void,
  ) {
    this.log = record ? [] : undefined;
    ws.on('message', (data: Buffer) => this.receive(data.toString()));
    ws.on('close', (code) => this.lost(`closed ${code}`));
    ws.on('error', (err) => this.lost(`error ${err.message}`));
  }

  /** Opens a connection; resolves when it is ready for turns (flowbot: at its first `waiting`). */
  static open(url: string, kind: ServerKind, record: boolean, onGone: (reason: string) => void): Promise<BenchConnection> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const conn = new BenchConnection(ws, kind, record, onGone);
    return new Promise((resolve, reject) => {
      conn.resolveTurn = () => resolve(conn);
      conn.rejectTurn = reject;
      if (kind === 'echo') ws.once('open', () => conn.settle());
    });
  }

  /** One turn: send a message and wait for the frame that ends it. */
  turn(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.gone) {
        reject(new Error('connection is gone'));
        return;
      }
      this.resolveTurn = resolve;
      this.rejectTurn = reject;
      this.log?.push({ from: 'user', text, blockId: 'ask' });
      this.ws.send(JSON.stringify({ type: 'message', text }));
    });
  }

  close(): void {
    this.gone = true;
    this.ws.close();
  }

  /** Resolves once the close handshake is over (or at once if already closed). */
  closed(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  private receive(raw: string): void {
    const frame = JSON.parse(raw) as Frame;
    if (this.kind === 'echo') {
      this.settle();
      return;
    }
    switch (frame.type) {
      case 'conversation':
        this.conversationId = String(frame.conversationId);
        return;
      case 'message':
        this.log?.push({ from: 'bot', text: String(frame.text), blockId: String(frame.blockId) });
        return;
      case 'waiting':
        this.settle();
        return;
      default:
        this.fail(new Error(`unexpected frame ${raw.slice(0, 200)}`));
    }
  }

  private settle(): void {
    const resolve = this.resolveTurn;
    this.resolveTurn = undefined;
    this.rejectTurn = undefined;
    resolve?.();
  }

  private fail(err: Error): void {
    const reject = this.rejectTurn;
    this.resolveTurn = undefined;
    this.rejectTurn = undefined;
    reject?.(err);
  }

  private lost(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone(reason);
    this.fail(new Error(reason));
  }
}
