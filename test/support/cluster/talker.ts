import WebSocket from 'ws';
import type { AsyncApiCheck } from '../asyncapi-check';
import { asyncApiCheckFor } from '../descriptions';
import { recordViolation } from '../description-violations';

export type Frame = { type: string; [key: string]: unknown };

/** One WebSocket of a conversation: every frame it received, how it closed. */
export interface Socket {
  readonly url: string;
  readonly frames: Frame[];
  close?: { code: number; reason: string };
  readonly ws: WebSocket;
}

const SHOWN = new Set(['message', 'end']);

/**
 * A client that keeps one conversation going across sockets, as a real client does: it answers
 * every `waiting` with its next message (`<label>-<k>`, unique in the conversation) and, when the
 * socket drops (a killed instance, 1006; a storage fault, 4503), resumes the conversation with
 * `?conversationId=` through the same URL (the load balancer) until the flow ends: it says "bye"
 * after `plan` messages or, sooner, at the first `waiting` after `finish()`. Frames and close codes are checked against the server's AsyncAPI document.
 */
export class Talker {
  id: string | undefined;
  readonly sockets: Socket[] = [];
  /** Messages sent, in order, on whichever socket. */
  readonly sent: string[] = [];
  ended = false;
  /** Why it gave up, if it did. */
  failure: string | undefined;
  private attempts = 0;
  private finishing = false;
  private check: AsyncApiCheck | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly label: string,
    private readonly plan: number,
    /** Resumes allowed before giving up. */
    private readonly maxAttempts = 30,
  ) {}

  /** Every frame received, all sockets, in order. */
  frames(): Frame[] {
    return this.sockets.flatMap((s) => s.frames);
  }

  /** The bot texts this client was shown (message and end frames with a text are not both: end has none). */
  shownTexts(): string[] {
    return this.frames()
      .filter((f) => SHOWN.has(f.type) && typeof f.text === 'string')
      .map((f) => String(f.text));
  }

  /** Bot turns answered so far (replies seen). */
  get replies(): number {
    return this.frames().filter((f) => f.type === 'message').length;
  }

  /** Starts the conversation at `url` (`/ws` or `/ws?bot=...`) and talks until it ends or fails. */
  run(url: string): Promise<void> {
    void this.connect(url);
    return this.waitFor(() => this.ended || this.failure !== undefined, `${this.label} to finish`, 150_000).catch((err: Error) => {
      this.failure ??= err.message;
    });
  }

  /** Resolves when `predicate` holds (checked on every frame and close); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}: ${this.describe()}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  describe(): string {
    const last = this.sockets.at(-1);
    return `${this.label} id=${this.id} sockets=${this.sockets.length} last close=${JSON.stringify(last?.close)} last frames=${JSON.stringify(last?.frames.slice(-3))}`;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async connect(base: string): Promise<void> {
    this.attempts += 1;
    if (this.attempts > this.maxAttempts) {
      this.failure = `gave up after ${this.maxAttempts} sockets: ${this.describe()}`;
      this.changed();
      return;
    }
    try {
      this.check ??= await asyncApiCheckFor(base);
    } catch (err) {
      // The balancer may have just lost an instance: the next try goes to another.
      setTimeout(() => void this.connect(base), 100);
      return void err;
    }
    const url = this.id === undefined ? base : `${base}${base.includes('?') ? '&' : '?'}conversationId=${encodeURIComponent(this.id)}`;
    const ws = new WebSocket(url, { handshakeTimeout: 20_000 });
    const socket: Socket = { url, frames: [], ws };
    this.sockets.push(socket);
    const check = this.check;
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      check.serverFrameProblems(frame).forEach(recordViolation);
      socket.frames.push(frame);
      if (frame.type === 'conversation') this.id ??= String(frame.conversationId);
      if (frame.type === 'end') this.ended = true;
      if (frame.type === 'waiting') this.answer(ws);
      this.changed();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      // A socket that never opened (the upgrade failed through the balancer) has no server close code.
      if (socket.frames.length > 0) check.closeProblems(code).forEach(recordViolation);
      socket.close = { code, reason: reason.toString() };
      this.changed();
      if (this.ended) return;
      // Its "bye" turn was stored but the socket died before the client saw the end: it has ended.
      if (code === 4410 && this.sent.at(-1) === 'bye' && socket.frames.some((f) => f.code === 'conversation_ended')) {
        this.ended = true;
        this.changed();
        return;
      }
      if (code === 4404 || code === 4410 || code === 1011) {
        this.failure = `closed ${code} ${reason.toString()}: ${this.describe()}`;
        this.changed();
        return;
      }
      // Dropped (1006: the instance died; 4503: storage fault; 1001: shutting down): resume.
      setTimeout(() => void this.connect(base), 20);
    });
  }

  /** Says "bye" at the next `waiting` (a talker answers every `waiting` at once, so there is always a next). */
  finish(): void {
    this.finishing = true;
  }

  private answer(ws: WebSocket): void {
    const count = this.sent.filter((t) => t !== 'bye').length;
    const text = this.finishing || count >= this.plan ? 'bye' : `${this.label}-${count}`;
    this.sent.push(text);
    ws.send(JSON.stringify({ type: 'message', text }));
  }
}
