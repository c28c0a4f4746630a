import { randomUUID } from 'node:crypto';
import { PARK_AFTER_MS } from '../config/limits';
import { type AppError, errors } from '../errors';
import type { Step } from '../flow/step';
import type { Turn } from '../runtime/events';
import { Conversation, offered } from '../runtime/conversation';
import { type ConversationStatus, DEFAULT_BOT, type MessageRecord, type StepRecord, type TurnWrite } from '../storage/records';
import type { ConversationRepository, Storage, StorageEvent, StorageEvents } from '../storage/repositories';
import type { Clock } from '../util/clock';
import { cutGraphemes } from '../util/graphemes';
import { removeControlCharacters } from '../util/control-characters';
import type { Logger } from '../util/logger';
import type { FlowService } from './flow-service';
import { type Live, LiveSession, type SessionHost } from './live-session';

/** Where a live conversation's output goes: one client connection at a time. */
export interface ChatListener {
  /** A turn, already stored. */
  onTurn(turn: Turn): void;
  /** The conversation cannot go on here (e.g. storage failed); the client should reconnect later. */
  onFailure(error: AppError): void;
  /** Another connection resumed this conversation and now receives its turns. */
  onReplaced(): void;
  /** The conversation was idle past the timeout and has been abandoned. */
  onExpired(): void;
  /** The conversation was erased while connected (optional for listeners made before erasure existed). */
  onErased?(): void;
}

/** What a connection asks for: a conversation to resume, or a new one on a bot (and a version: a preview). */
export interface OpenRequest {
  conversationId?: string;
  /** Default: `default`. */
  bot?: string;
  /** A stored version instead of the bot's current one (a preview of a draft or an old version). */
  version?: number;
}

/** Where the FlowService of a bot comes from: the bot catalogue (BotService.flows), 404 `unknown_bot` if none. */
export type FlowsOf = (bot: string) => Promise<FlowService>;

export interface ChatSession {
  readonly conversationId: string;
  /** Absent: `default`. */
  readonly bot?: string;
  readonly flowVersion: number;
  readonly resumed: boolean;
  /** Runs the conversation: a new one up to its first wait; a resumed one announces where it waits. */
  start(): void;
  send(text: string): void;
  /** The connection is gone: stop the conversation (aborting a detection in flight); its state is stored. */
  detach(): void;
}

/** How this instance owns conversations among the instances that share its storage. */
export interface Ownership {
  /** This instance's name (INSTANCE_ID): the owner it claims conversations as. */
  owner: string;
  /** Where claims and erasures by other instances are heard. */
  events?: StorageEvents;
  /** Runs a job on one instance at a time (Storage.exclusive); default: here, now. */
  exclusive?: Storage['exclusive'];
  /**
   * IDLE_TIMEOUT_MS, for the turns this instance stores: one that began within it of the last stored
   * activity is still taken by a conversation an idle sweep (maybe another instance's) marked abandoned
   * while the turn was in flight (TurnWrite.idleCutoff). Absent: an abandoned conversation takes no turn.
   */
  idleTimeoutMs?: number;
}

const CONVERSATION_ID_MAX = 64;
/** Claims heard for conversations not live here, kept to settle resumes racing on several instances. */
const MAX_CLAIMS_HEARD = 10_000;
const CONVERSATION_ID = new RegExp(`^[A-Za-z0-9_-]{1,${CONVERSATION_ID_MAX}}$`);

/**
 * A conversation id as it may be quoted back to the client: anything came in through the URL, so
 * controls are removed and a long one is cut (and says so) instead of being echoed whole.
 */
export function quotedConversationId(id: string): string {
  const clean = removeControlCharacters(id);
  if (clean.length <= CONVERSATION_ID_MAX) return clean;
  return `${cutGraphemes(clean, CONVERSATION_ID_MAX)}… (cut: ${clean.length} characters; ids have at most ${CONVERSATION_ID_MAX})`;
}

/**
 * Runs live conversations for connected clients: starts one on the current flow version (pinned for its
 * whole life), resumes one from its stored snapshot, and stores each turn in one transaction before
 * the listener sees it. Transport-agnostic: the WebSocket gateway is one listener.
 */
export class ChatService {
  private readonly live = new Map<string, Live>();
  /** Resumes being opened here, by conversation: a second one waits and then takes the first over. */
  private readonly opening = new Map<string, Promise<unknown>>();
  private readonly flowsOf: FlowsOf;
  private readonly unsubscribe: Array<() => void> = [];
  /**
   * The highest epoch heard claimed for conversations not live here: a claim of ours still in flight
   * when a later one was heard has lost, and must not open (bounded: the oldest are forgotten first).
   */
  private readonly claimsHeard = new Map<string, number>();
  /** What every session of this service calls back into (LiveSession). */
  private readonly sessionHost: SessionHost = {
    holds: (live, listener) => this.live.get(live.id) === live && live.listener === listener,
    touch: (live) => {
      live.lastActivity = this.clock.now().getTime();
    },
    release: (live) => {
      live.conversation.stop();
      this.live.delete(live.id);
    },
    announce: (live) => {
      const { conversation } = live;
      if (conversation.status !== 'waiting' || !conversation.blockId) return;
      const at = this.clock.now();
      live.listener.onTurn({
        events: [{ type: 'waiting', blockId: conversation.blockId, ...offered(conversation.choices, conversation.choicesOnly), at }],
        outcome: 'waiting',
        blockId: conversation.blockId,
        variables: {},
        snapshot: null,
        resumed: true,
      });
    },
  };

  constructor(
    /** One bot's versions (its conversations only), or where every bot's come from. */
    flows: FlowService | FlowsOf,
    private readonly conversations: ConversationRepository,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'error'>,
    /** See PARK_AFTER_MS. */
    private readonly parkAfterMs = PARK_AFTER_MS,
    private readonly ownership: Ownership = { owner: 'local' },
  ) {
    this.flowsOf =
      typeof flows === 'function' ? flows : (bot) => (bot === flows.bot ? Promise.resolve(flows) : Promise.reject(errors.unknownBot(bot)));
    const { events } = ownership;
    if (events) {
      this.unsubscribe.push(
        events.subscribe((event) => this.heard(event)),
        events.onResync(() => {
          this.resync().catch((err: unknown) => this.logger.error({ err }, 'could not resynchronise live conversations'));
        }),
      );
    }
  }

  /** Another instance (or this one) claimed or erased a conversation: a live one here that lost it stops. */
  private heard(event: StorageEvent): void {
    if (event.type === 'conversation_claimed') {
      const live = this.live.get(event.conversationId);
      if (live && live.epoch < event.epoch) this.lose(live, () => live.listener.onReplaced());
      else if (!live && (this.claimsHeard.get(event.conversationId) ?? 0) < event.epoch)
        this.rememberClaim(event.conversationId, event.epoch);
    } else if (event.type === 'conversation_erased') {
      const live = this.live.get(event.conversationId);
      if (live) this.lose(live, () => live.listener.onErased?.());
    }
  }

  /** After signals may have been missed: each live conversation is checked against what is stored. */
  async resync(): Promise<void> {
    const lives = [...this.live.values()];
    if (lives.length === 0) return;
    const epochs = await this.conversations.epochs(lives.map((live) => live.id));
    for (const live of lives) {
      if (this.live.get(live.id) !== live) continue;
      const epoch = epochs.get(live.id);
      if (epoch === undefined) this.lose(live, () => live.listener.onErased?.());
      else if (epoch > live.epoch) this.lose(live, () => live.listener.onReplaced());
    }
  }

  private rememberClaim(id: string, epoch: number): void {
    this.claimsHeard.delete(id);
    this.claimsHeard.set(id, epoch);
    if (this.claimsHeard.size > MAX_CLAIMS_HEARD) {
      const oldest = this.claimsHeard.keys().next();
      if (!oldest.done) this.claimsHeard.delete(oldest.value);
    }
  }

  private lose(live: Live, tell: () => void): void {
    if (this.live.get(live.id) !== live) return;
    live.conversation.stop();
    this.live.delete(live.id);
    tell();
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Whether a conversation of this bot runs in this process. */
  hasLive(bot: string): boolean {
    for (const live of this.live.values()) if (live.bot === bot) return true;
    return false;
  }

  /**
   * A new conversation on a bot's current version (or, given `version`, on that stored version), or
   * the one named by `conversationId` if it has not ended; a string is a conversation id.
   */
  open(listener: ChatListener, request?: string | OpenRequest): Promise<ChatSession> {
    const { conversationId, bot, version }: OpenRequest = typeof request === 'string' ? { conversationId: request } : (request ?? {});
    return conversationId === undefined ? this.create(listener, bot ?? DEFAULT_BOT, version) : this.resume(listener, conversationId);
  }

  /**
   * Erases a conversation, its messages and its steps. A live one is stopped and its client told
   * (`conversation_erased`) first, so that no turn of it is stored after. False when there is none.
   */
  async erase(id: string): Promise<boolean> {
    const live = this.live.get(id);
    if (live) {
      live.conversation.stop();
      this.live.delete(id);
      live.listener.onErased?.();
    }
    return (await this.conversations.erase(id)) || live !== undefined;
  }

  /**
   * Expires conversations idle since before `now - idleMs`: live ones are told and stopped, then every
   * active conversation not updated since is marked abandoned (kept, not deleted). Returns how many.
   */
  async expireIdle(idleMs: number): Promise<number> {
    const cutoff = this.clock.now().getTime() - idleMs;
    for (const live of [...this.live.values()]) {
      if (live.lastActivity >= cutoff || live.conversation.status === 'busy') continue;
      live.conversation.stop();
      this.live.delete(live.id);
      live.listener.onExpired();
    }
    const abandon = (): Promise<number> => this.conversations.abandonIdle(new Date(cutoff).toISOString());
    // The stored part on one instance at a time: the others would find nothing left to do.
    const { exclusive } = this.ownership;
    return (exclusive ? await exclusive('idle-expiry', abandon) : await abandon()) ?? 0;
  }

  /** Stops every live conversation (shutdown). Their stored state lets them resume after a restart. */
  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    for (const live of this.live.values()) live.conversation.stop();
    this.live.clear();
  }

  private async create(listener: ChatListener, bot: string, requested: number | undefined): Promise<ChatSession> {
    const flows = await this.flowsOf(bot);
    // A preview's version is checked first; the current one is read by the statement that stores the conversation.
    const preview =
      requested === undefined
        ? undefined
        : await flows.machine(requested).catch((err: unknown) => {
            throw errors.notFound.is(err) ? errors.unknownVersion(bot, requested) : err;
          });
    const id = randomUUID();
    const created = await this.conversations.create({
      id,
      bot,
      ...(requested !== undefined ? { flowVersion: requested } : {}),
      createdAt: this.clock.now().toISOString(),
      owner: this.ownership.owner,
    });
    if (!created) throw requested !== undefined ? errors.unknownVersion(bot, requested) : errors.noFlow(bot);
    const version = created.flowVersion;
    let machine = preview?.machine;
    if (!machine) {
      try {
        machine = (await flows.machine(version)).machine;
      } catch (err) {
        // Nothing of it was shown: it must not stay behind as an active conversation.
        await this.conversations.erase(id).catch(() => undefined);
        throw err;
      }
    }
    const conversation = new Conversation({
      machine,
      clock: this.clock,
      parkAfterMs: this.parkAfterMs,
      onTurn: (turn) => this.onTurn(id, turn),
    });
    return this.session(id, bot, version, created.epoch, listener, conversation, false);
  }

  private async resume(listener: ChatListener, id: string): Promise<ChatSession> {
    // One resume of a conversation at a time in this process: the later one takes the earlier's over.
    for (let pending = this.opening.get(id); pending; pending = this.opening.get(id)) await pending.catch(() => undefined);
    const attached = this.live.get(id);
    if (attached) {
      const previous = attached.listener;
      attached.listener = listener;
      previous.onReplaced();
      return this.takeOver(attached);
    }
    const opened = this.claimAndRestore(listener, id);
    this.opening.set(id, opened);
    try {
      return await opened;
    } finally {
      this.opening.delete(id);
    }
  }

  /**
   * Takes the conversation over for this instance (a new epoch: the previous owner's turns are refused
   * from now on, and it is told) and restores it from the snapshot that claim found.
   */
  private async claimAndRestore(listener: ChatListener, id: string): Promise<ChatSession> {
    if (!CONVERSATION_ID.test(id)) throw errors.unknownConversation(quotedConversationId(id));
    const claim = await this.conversations.claim(id, this.ownership.owner);
    if (!claim) {
      const record = await this.conversations.get(id);
      if (!record) throw errors.unknownConversation(quotedConversationId(id));
      throw errors.conversationEnded(id, record.status === 'completed' ? 'ended' : 'expired');
    }
    const record = claim.conversation;
    const bot = record.bot ?? DEFAULT_BOT;
    const { machine } = await (await this.flowsOf(bot)).machine(record.flowVersion);
    // A later claim was heard while this one was on its way (another instance's resume at the same
    // moment): the conversation is theirs, and this socket never shows it.
    const heard = this.claimsHeard.get(id);
    if (heard !== undefined && heard > claim.epoch) throw errors.replaced();
    this.claimsHeard.delete(id);
    const snapshot = claim.snapshot;
    // No snapshot: the first turn was never stored (e.g. storage failed); start the flow again.
    const conversation = new Conversation({
      machine,
      origin: snapshot ? { kind: 'restore', snapshot } : { kind: 'start' },
      clock: this.clock,
      parkAfterMs: this.parkAfterMs,
      onTurn: (turn) => this.onTurn(id, turn),
    });
    return this.session(id, bot, record.flowVersion, claim.epoch, listener, conversation, true);
  }

  private session(
    id: string,
    bot: string,
    flowVersion: number,
    epoch: number,
    listener: ChatListener,
    conversation: Conversation,
    resumed: boolean,
  ): ChatSession {
    const live: Live = { id, bot, flowVersion, epoch, conversation, listener, lastActivity: this.clock.now().getTime() };
    this.live.set(id, live);
    return new LiveSession(this.sessionHost, live, listener, resumed, false);
  }

  /** A second connection to a live conversation: it now gets the turns; if the flow waits, say where. */
  private takeOver(live: Live): ChatSession {
    return new LiveSession(this.sessionHost, live, live.listener, true, true);
  }

  /** Stores a turn, then shows it. If storing fails, the turn is not shown and the live state is dropped. */
  private async onTurn(id: string, turn: Turn): Promise<void> {
    const live = this.live.get(id);
    if (!live) return;
    if (!turn.resumed) {
      const write = toTurnWrite(id, turn, this.clock.now());
      write.epoch = live.epoch;
      const { idleTimeoutMs } = this.ownership;
      if (idleTimeoutMs !== undefined) write.idleCutoff = new Date(turnBegan(turn, live) - idleTimeoutMs).toISOString();
      try {
        await this.conversations.appendTurn(write);
      } catch (err) {
        // Erased or taken over meanwhile: nothing of it is to be kept or shown.
        if (this.live.get(id) !== live) return;
        if (errors.conversationTakenOver.is(err)) {
          // Another owner claimed it (a resume elsewhere) before this turn could be stored: it is theirs now.
          this.lose(live, () => live.listener.onReplaced());
          return;
        }
        if (errors.conversationExpired.is(err)) {
          // An idle sweep (another instance's, which runs for all of them) marked it abandoned before
          // this socket's own sweep closed it: closed now as that sweep would have, nothing of it kept.
          this.lose(live, () => live.listener.onExpired());
          return;
        }
        // The actor is now ahead of the database. Drop it: a reconnect resumes from the last stored
        // turn, so the client never sees a message that is not stored.
        this.logger.error({ err, conversationId: id }, 'could not store a conversation turn');
        live.conversation.stop();
        this.live.delete(id);
        live.listener.onFailure(errors.storageUnavailable.is(err) ? err : errors.internalError('the conversation could not be saved'));
        return;
      }
    }
    if (turn.outcome !== 'waiting') this.live.delete(id);
    live.lastActivity = this.clock.now().getTime();
    live.listener.onTurn(turn);
  }
}

/**
 * When a turn began (clock ms), which is what decides whether an idle sweep that ran meanwhile caught it
 * in flight: its first event is stamped then (the user message it handles, as it is taken up; the start
 * step; the first step of a due silence, as it runs). Not `lastActivity`: a silence comes due with no
 * activity at all, maybe long after the last, and must not revive a conversation idle past the timeout.
 */
function turnBegan(turn: Turn, live: Live): number {
  return turn.events[0]?.at.getTime() ?? live.lastActivity;
}

const STATUS_BY_OUTCOME: Record<Turn['outcome'], ConversationStatus> = { waiting: 'active', ended: 'completed', failed: 'active' };

/** The rows one turn adds: its messages and steps, and the conversation's new state. */
export function toTurnWrite(conversationId: string, turn: Turn, now: Date): TurnWrite {
  const messages: MessageRecord[] = [];
  const steps: StepRecord[] = [];
  // A turn's events mostly share one or two instants: each is formatted once (toISOString is the
  // costliest part of this function).
  let lastTime = Number.NaN;
  let at = '';
  for (const event of turn.events) {
    const time = event.at.getTime();
    if (time !== lastTime) {
      lastTime = time;
      at = event.at.toISOString();
    }
    if (event.type === 'user_message') messages.push({ from: 'user', text: event.text, blockId: event.blockId, at });
    else if (event.type === 'bot_message') messages.push({ from: 'bot', text: event.text, blockId: event.blockId, at });
    else if (event.type === 'step') steps.push(toStepRecord(event.step, at));
  }
  return {
    conversationId,
    messages,
    steps,
    status: STATUS_BY_OUTCOME[turn.outcome],
    variables: turn.variables,
    currentBlock: turn.blockId,
    // A failed turn keeps the last good snapshot: null here would make the conversation restart.
    snapshot: turn.outcome === 'waiting' ? turn.snapshot : turn.outcome === 'ended' ? null : undefined,
    at: now.toISOString(),
  };
}

/** An explicit copy (not a rest spread, which V8 runs as a slow generic copy on this hot path). */
function toStepRecord(step: Step, at: string): StepRecord {
  const record: StepRecord = { from: step.from, to: step.to, event: step.event, at };
  if (step.intent !== undefined) record.intent = step.intent;
  if (step.provider !== undefined) record.provider = step.provider;
  if (step.confidence !== undefined) record.confidence = step.confidence;
  if (step.fallbackReason !== undefined) record.fallbackReason = step.fallbackReason;
  if (step.latencyMs !== undefined) record.latencyMs = step.latencyMs;
  if (step.error !== undefined) record.error = step.error;
  if (step.runnerUp !== undefined) record.runnerUp = step.runnerUp;
  if (step.runnerUpScore !== undefined) record.runnerUpScore = step.runnerUpScore;
  if (step.case !== undefined) record.case = step.case;
  if (step.choice !== undefined) record.choice = step.choice;
  if (step.method !== undefined) record.method = step.method;
  if (step.url !== undefined) record.url = step.url;
  if (step.status !== undefined) record.status = step.status;
  if (step.httpError !== undefined) record.httpError = step.httpError;
  return record;
}
