import type { RawData, WebSocket } from 'ws';
import { AppError, CLOSE_CODES, errors } from '../../errors';
import type { Turn } from '../../runtime/events';
import type { ChatListener, ChatService, ChatSession, OpenRequest } from '../../services/chat-service';
import { DEFAULT_BOT } from '../../storage/records';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import { framesOfTurn, parseClientFrame, type ServerFrame } from './frames';
import { TokenBucket } from './token-bucket';

export type ConnectionLogger = Pick<Logger, 'debug' | 'warn'>;

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
    clock?: Clock,
  ) {
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, clock);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', (code) => {
      this.logger.debug({ conversationId: this.session?.conversationId, code }, 'connection closed');
      this.session?.detach();
    });
    // ws reports protocol violations (e.g. a frame over maxPayload: close 1009) here; the socket closes.
    ws.on('error', (err) => this.logger.debug({ err }, 'websocket error'));
  }

  /** A conversation id (resume), or what to start; nothing: a new conversation with the default bot. */
  async open(request: string | OpenRequest | undefined): Promise<void> {
    try {
      this.session = await this.chat.open(this, request);
    } catch (err) {
      if (!(err instanceof AppError)) this.logger.warn({ err }, 'could not open a conversation');
      this.fail(err instanceof AppError ? err : errors.internalError('the conversation could not be opened'));
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) {
      this.session.detach();
      return;
    }
    const { conversationId: id, flowVersion, resumed } = this.session;
    const bot = this.session.bot ?? DEFAULT_BOT;
    this.logger.debug({ conversationId: id, bot, flowVersion, resumed }, 'conversation opened');
    this.send({ type: 'conversation', conversationId: id, ...(bot === DEFAULT_BOT ? {} : { bot }), flowVersion, resumed });
    this.session.start();
    const early = this.early ?? [];
    this.early = undefined;
    for (const text of early) this.session.send(text);
  }

  onTurn(turn: Turn): void {
    for (const frame of framesOfTurn(turn)) this.send(frame);
    if (turn.outcome === 'ended') this.close(CLOSE_CODES.normal, 'conversation ended');
    else if (turn.outcome === 'failed') this.close(errors.flowError.closeCode ?? CLOSE_CODES.serverError, errors.flowError.code);
  }

  onFailure(error: AppError): void {
    this.fail(error);
  }

  onExpired(): void {
    this.fail(errors.conversationExpired());
  }

  onReplaced(): void {
    this.fail(errors.replaced());
  }

  onErased(): void {
    this.fail(errors.conversationErased());
  }

  /** Says what went wrong in an error frame; an error with a close code also ends the connection. */
  private fail(error: AppError): void {
    const { code, message } = error.toBody();
    this.send({ type: 'error', code, message });
    if (error.closeCode !== undefined) this.close(error.closeCode, code);
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Every frame counts, bad ones too: the limit is on what the client makes the server do.
    if (!this.bucket.take()) {
      this.fail(errors.rateLimited(this.limits.messagesPerSecond));
      return;
    }
    if (isBinary) {
      this.fail(errors.invalidMessage('binary frames are not supported; send JSON text'));
      return;
    }
    const frame = parseClientFrame(textOf(data), this.limits.maxMessageChars);
    if (!frame.ok) {
      this.fail(frame.error);
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
