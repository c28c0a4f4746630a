import type { Conversation } from '../runtime/conversation';
import type { ChatListener, ChatSession } from './chat-service';

/** A conversation live on this instance: the ChatService holds one per conversation it runs. */
export interface Live {
  id: string;
  bot: string;
  flowVersion: number;
  /** The ownership epoch this instance holds: every turn it stores carries it. */
  epoch: number;
  conversation: Conversation;
  listener: ChatListener;
  /** Clock time (ms) of the last message in or out, for idle expiry. */
  lastActivity: number;
}

/** What a session needs of the service that runs its conversation (one per service, shared by its sessions). */
export interface SessionHost {
  /** True while `live` is still live here and `listener` still its connection. */
  holds(live: Live, listener: ChatListener): boolean;
  /** A message came in: the conversation is active now (idle expiry). */
  touch(live: Live): void;
  /** The connection is gone: the conversation stops (its state is stored) and is no longer live here. */
  release(live: Live): void;
  /** Tells the connection that took `live` over where the flow waits, if it waits. */
  announce(live: Live): void;
}

/**
 * One connection's handle on a live conversation. A class rather than an object of closures: an
 * idle connection holds its session as long as it stays open, and the four closures and their
 * contexts were ~0.4 KiB of each one's heap (npm run bench, idle memory).
 */
export class LiveSession implements ChatSession {
  constructor(
    private readonly host: SessionHost,
    private readonly live: Live,
    /** The connection this session was opened for: once another one takes over, this one is stale. */
    private readonly listener: ChatListener,
    readonly resumed: boolean,
    /** Opened on a conversation already live here: start() says where it waits instead of running it. */
    private readonly takenOver: boolean,
  ) {}

  get conversationId(): string {
    return this.live.id;
  }

  get bot(): string {
    return this.live.bot;
  }

  get flowVersion(): number {
    return this.live.flowVersion;
  }

  start(): void {
    if (this.takenOver) this.host.announce(this.live);
    else this.live.conversation.start();
  }

  send(text: string): void {
    if (!this.host.holds(this.live, this.listener)) return;
    this.host.touch(this.live);
    this.live.conversation.send(text);
  }

  detach(): void {
    if (this.host.holds(this.live, this.listener)) this.host.release(this.live);
  }
}
