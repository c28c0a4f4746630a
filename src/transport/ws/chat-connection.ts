import type { RawData, WebSocket } from 'ws';
import { AppError } from '../../errors';
import type { Turn } from '../../runtime/events';
import type { ChatListener, ChatService, ChatSession } from '../../services/chat-service';
import { framesOfTurn, parseClientFrame, type ServerFrame } from './frames';
import { TokenBucket } from './token-bucket';

/** WebSocket close codes this server uses besides the standard ones. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  serverError: 1011,
  unknownConversation: 4404,
  idle: 4408,
  replaced: 4409,
  conversationEnded: 4410,
  unavailable: 4503,
} as const;

export interface ConnectionLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Closing codes for errors that end a connection before its conversation starts. */
function closeCodeOf(err: AppError): number {
  if (err.code === 'unknown_conversation') return CLOSE_CODES.unknownConversation;
  if (err.code === 'conversation_ended') return CLOSE_CODES.conversationEnded;
  if (err.status === 503) return CLOSE_CODES.unavailable;
  return CLOSE_CODES.serverError;
}

export interface ConnectionLimits {
  maxMessageChars: number;
  messagesPerSecond: number;
  messageBurst: number;
  /** A client that lets more than this pile up unread is dropped. */
  maxBufferedBytes: number;
}

/** One client connection: frames in, frames out. The conversation itself lives in the ChatService. */
export class ChatConnection implements ChatListener {
  private session: ChatSession | undefined;
  /** Messages that arrive while the conversation is being opened; sent in order once it is. */
  private early: string[] | undefined = [];
  private readonly bucket: TokenBucket;

  constructor(
    private readonly ws: WebSocket,
    private readonly chat: ChatService,
    private readonly logger: ConnectionLogger,
    private readonly limits: ConnectionLimits,
  ) {
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', (code) => {
      this.logger.debug({ conversationId: this.session?.conversationId, code }, 'connection closed');
      this.session?.detach();
    });
    // ws reports protocol violations (e.g. a frame over maxPayload: close 1009) here; the socket closes.
    ws.on('error', (err) => this.logger.debug({ err }, 'websocket error'));
  }

  async open(conversationId: string | undefined): Promise<void> {
    try {
      this.session = await this.chat.open(this, conversationId);
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError(500, 'internal_error', 'the conversation could not be opened');
      if (!(err instanceof AppError)) this.logger.warn({ err }, 'could not open a conversation');
      this.send({ type: 'error', code: error.code, message: error.message });
      this.close(closeCodeOf(error), error.code);
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) {
      this.session.detach();
      return;
    }
    const { conversationId: id, flowVersion, resumed } = this.session;
    this.logger.debug({ conversationId: id, flowVersion, resumed }, 'conversation opened');
    this.send({ type: 'conversation', conversationId: id, flowVersion, resumed });
    this.session.start();
    const early = this.early ?? [];
    this.early = undefined;
    for (const text of early) this.session.send(text);
  }

  onTurn(turn: Turn): void {
    for (const frame of framesOfTurn(turn)) this.send(frame);
    if (turn.outcome === 'ended') this.close(CLOSE_CODES.normal, 'conversation ended');
    else if (turn.outcome === 'failed') this.close(CLOSE_CODES.serverError, 'flow_error');
  }

  onFailure(error: AppError): void {
    this.send({ type: 'error', code: error.code, message: error.message });
    this.close(error.status === 503 ? CLOSE_CODES.unavailable : CLOSE_CODES.serverError, error.code);
  }

  onExpired(): void {
    this.send({ type: 'error', code: 'conversation_expired', message: 'the conversation was idle for too long and has expired' });
    this.close(CLOSE_CODES.idle, 'conversation_expired');
  }

  onReplaced(): void {
    this.send({ type: 'error', code: 'replaced', message: 'this conversation was resumed by another connection' });
    this.close(CLOSE_CODES.replaced, 'replaced');
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Every frame counts, bad ones too: the limit is on what the client makes the server do.
    if (!this.bucket.take()) {
      this.send({ type: 'error', code: 'rate_limited', message: `too many messages; at most ${this.limits.messagesPerSecond} per second` });
      return;
    }
    if (isBinary) {
      this.send({ type: 'error', code: 'invalid_message', message: 'binary frames are not supported; send JSON text' });
      return;
    }
    const frame = parseClientFrame(textOf(data), this.limits.maxMessageChars);
    if (!frame.ok) {
      this.send({ type: 'error', code: frame.code, message: frame.message });
      return;
    }
    if (this.early) this.early.push(frame.text);
    else this.session?.send(frame.text);
  }

  private send(frame: ServerFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Back-pressure: a client that does not read is dropped before its buffer grows without bound.
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.logger.warn({ bufferedAmount: this.ws.bufferedAmount }, 'dropping a client that does not read');
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  private close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

/** The text of a frame: `ws` hands over a Buffer, or a list of them for a fragmented message. */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
