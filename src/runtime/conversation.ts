import { type Actor, type AnyStateMachine, createActor } from 'xstate';
import { errors } from '../errors';
import { RESUME_EVENT, WAITING_TAG, USER_MESSAGE_EVENT, type FlowContext } from '../flow/machine-config';
import { type Clock, systemClock } from '../util/clock';
import { ActorClock, type TimerHost } from './actor-clock';
import type { ConversationEvent, Turn, TurnOutcome, WaitingChoice } from './events';
import { CONVERSATION_SYSTEM_ID, type FlowEmitted } from './flow-machine';

/** Where a conversation begins. */
export type ConversationOrigin =
  /** At the flow's start block: the first turn runs the flow up to its first wait. */
  | { kind: 'start' }
  /** From a snapshot persisted at a waiting point: the first turn only announces where it waits. */
  | { kind: 'restore'; snapshot: unknown };

export interface ConversationOptions {
  /** The machine of the conversation's flow version (see createFlowMachine), shared across conversations. */
  machine: AnyStateMachine;
  /** Default: the flow's start. */
  origin?: ConversationOrigin;
  /**
   * Receives each turn when the conversation reaches a stable point. The next queued user message is
   * handled only after the returned promise settles, so turns are stored in order, before they are shown.
   */
  onTurn: (turn: Turn) => void | Promise<void>;
  /** Its wall time stamps the events. Default: the system clock. */
  clock?: Clock;
  /**
   * How long a conversation that waits with nothing queued, after a turn the user started, keeps its
   * actor before it parks (releases it, keeping only the persisted snapshot). Default 0: at once. A
   * conversation that answers within the delay skips the restore (see PARK_AFTER_MS).
   */
  parkAfterMs?: number;
  /** Where the silence clock's timers run. Default: the process's timers; conversation tests use a virtual clock. */
  timers?: TimerHost;
}

/** What the owner sees of the lifecycle. */
export type LifecycleStatus = 'new' | 'busy' | 'waiting' | 'ended' | 'failed' | 'stopped';

type FlowActor = Actor<AnyStateMachine>;

/**
 * The lifecycle, as one value: each status carries exactly what it needs (an actor only while one
 * runs), so no combination of flags can contradict another. Callbacks that arrive late (from an actor
 * that was parked or stopped, or a delivery that finished after `stop()`) check that the lifecycle
 * still holds what they belong to, as XState's own actors check their status, and do nothing otherwise.
 */
type Lifecycle =
  /** Created; the actor has not run. User messages queue. */
  | { status: 'new'; actor: FlowActor }
  /**
   * The flow runs towards its next stable point; user messages queue. `resumed`: the run only
   * re-enters a restored snapshot, so the turn it ends is the announcement of a resumed conversation.
   */
  | { status: 'busy'; actor: FlowActor; resumed: boolean }
  /** A turn that ends at a wait is with the owner (stored, then shown); user messages queue until it is done. */
  | { status: 'delivering'; actor: FlowActor; snapshot: unknown }
  /**
   * Waits for the user with nothing queued, and holds no actor: only the persisted snapshot of the wait.
   * A person takes seconds to minutes to answer; a snapshot is a few hundred bytes where a started actor
   * is ~4 KiB, which is what lets one process hold many idle conversations. The next message restores
   * an actor (~30-45 µs).
   */
  | { status: 'parked'; snapshot: unknown }
  /**
   * Waits for the user with nothing queued but keeps its actor: the block's silence clock runs (a
   * `noReply` block), and XState keeps scheduled events only in a running actor: it neither persists
   * them in `getPersistedSnapshot()` nor schedules them again on a restore (statelyai/xstate#5331).
   */
  | { status: 'listening'; actor: FlowActor; snapshot: unknown }
  | { status: 'ended' | 'failed' | 'stopped'; blockId: string | null };

/**
 * One conversation: one XState actor of the flow's machine, a queue of user messages and a buffer of
 * what happened since the last stable point. Knows nothing of sockets or databases.
 */
export class Conversation {
  private readonly machine: AnyStateMachine;
  private readonly onTurn: ConversationOptions['onTurn'];
  private readonly clock: Clock;
  /**
   * Started from a snapshot (ConversationOrigin `restore`): its first turn announces where it waits.
   * Only this is kept of the origin: the snapshot is the actor's once it is spawned.
   */
  private readonly restored: boolean;
  private readonly startBlock: string;
  private readonly queue: string[] = [];
  private buffer: ConversationEvent[] = [];
  private lifecycle: Lifecycle;
  /**
   * The clock of the actor's delayed transitions (a `noReply` block's silence); see ActorClock. Made
   * with an actor and dropped when it parks (none pending then): a parked conversation needs none.
   */
  private timers: ActorClock | undefined;
  private readonly timerHost: TimerHost | undefined;
  /** A silence that came due while a turn was being delivered; it runs after, unless the user wrote meanwhile. */
  private dueTimer: (() => void) | undefined;
  /** True while the running turn was started by a timer, not by a user message. */
  private timerTurn = false;
  private readonly parkAfterMs: number;
  /** Parks the conversation once it has waited `parkAfterMs` (one timer per conversation, refreshed). */
  private parkTimer: NodeJS.Timeout | undefined;
  /**
   * True once the user has written in this conversation (since it started or was restored). Only
   * then does it keep its actor for the park delay: a burst of new conversations that have only been
   * greeted parks at once, as idle ones should.
   */
  private hasAnswered = false;
  /** The wait the park timer was last set for; any other lifecycle when it fires means the conversation moved on. */
  private parkable: Lifecycle | undefined;

  constructor(options: ConversationOptions) {
    this.machine = options.machine;
    this.onTurn = options.onTurn;
    this.clock = options.clock ?? systemClock;
    const origin = options.origin ?? { kind: 'start' };
    this.restored = origin.kind === 'restore';
    this.parkAfterMs = options.parkAfterMs ?? 0;
    this.timerHost = options.timers;
    const initial = (options.machine.config as { initial?: unknown }).initial;
    this.startBlock = typeof initial === 'string' ? initial : '';
    this.lifecycle = { status: 'new', actor: this.spawn(origin.kind === 'restore' ? origin.snapshot : undefined) };
  }

  /** The block the conversation is at (waiting, ended, or in between). */
  get blockId(): string | null {
    const lifecycle = this.lifecycle;
    switch (lifecycle.status) {
      case 'new':
      case 'busy':
      case 'delivering':
      case 'listening':
        return valueOf(lifecycle.actor.getSnapshot());
      case 'parked':
        return valueOf(lifecycle.snapshot);
      default:
        return lifecycle.blockId;
    }
  }

  /** True while the conversation waits with its actor released; for tests and monitoring. */
  get isParked(): boolean {
    return this.lifecycle.status === 'parked';
  }

  get status(): LifecycleStatus {
    const { status } = this.lifecycle;
    return status === 'delivering' || status === 'parked' || status === 'listening' ? 'waiting' : status;
  }

  /** The choices (buttons) offered where the conversation waits; none elsewhere. */
  get choices(): WaitingChoice[] {
    const choices = this.waitMeta?.choices;
    return Array.isArray(choices) ? (choices as WaitingChoice[]) : [];
  }

  /** True where the block takes nothing but one of its choices. */
  get choicesOnly(): boolean {
    return this.waitMeta?.choicesOnly === true;
  }

  /** The compiler puts a wait block's choices in its state's meta. */
  private get waitMeta(): { choices?: unknown; choicesOnly?: unknown } | undefined {
    const blockId = this.blockId;
    if (blockId === null || !Object.hasOwn(this.machine.states, blockId)) return undefined;
    return this.machine.states[blockId]?.meta as { choices?: unknown; choicesOnly?: unknown } | undefined;
  }

  get pendingMessages(): number {
    return this.queue.length;
  }

  /** Runs the flow up to its first wait (or, for a restored conversation, announces where it waits). */
  start(): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.status !== 'new') return;
    const resumed = this.restored;
    if (!resumed) this.push({ type: 'step', step: { from: null, to: this.startBlock, event: 'start' }, at: this.clock.now() });
    this.lifecycle = { status: 'busy', actor: lifecycle.actor, resumed };
    lifecycle.actor.start();
    // A restored actor has lost the silence clock of the block it waits at: a block with one enters
    // itself again, which starts its clock again; other states ignore the event.
    if (resumed) lifecycle.actor.send({ type: RESUME_EVENT });
  }

  /** Accepts a user message; it is handled now if the flow waits, otherwise queued in order. */
  send(text: string): void {
    const { status } = this.lifecycle;
    if (status === 'ended' || status === 'failed' || status === 'stopped') return;
    this.queue.push(text);
    if (status === 'parked' || status === 'listening') this.next();
  }

  /** Stops the actor: an intent detection in flight is aborted (its AbortSignal fires). */
  stop(): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.status === 'stopped') return;
    const blockId = this.blockId;
    this.lifecycle = { status: 'stopped', blockId };
    this.queue.length = 0;
    this.buffer = [];
    this.dueTimer = undefined;
    this.timers?.clear();
    if (this.parkTimer) clearTimeout(this.parkTimer);
    this.parkTimer = undefined;
    this.parkable = undefined;
    if ('actor' in lifecycle) lifecycle.actor.stop();
  }

  private spawn(snapshot: unknown): FlowActor {
    const actor = createActor(this.machine, {
      systemId: CONVERSATION_SYSTEM_ID,
      clock: this.actorClock(),
      ...(snapshot !== undefined ? { snapshot: snapshot as never } : {}),
    });
    actor.on('*', (emitted) => this.record(actor, emitted as FlowEmitted));
    // Observing errors is what keeps XState from rethrowing them as uncaught exceptions.
    actor.subscribe({ next: () => this.settle(actor), error: (err) => this.fail(actor, err) });
    return actor;
  }

  /** Made here, not inline in spawn(): a closure there would share spawn's context, and with it the actor. */
  private actorClock(): ActorClock {
    return (this.timers ??= new ActorClock((fire) => this.onTimer(fire), this.timerHost));
  }

  private get timersPending(): boolean {
    return (this.timers?.pending ?? 0) > 0;
  }

  /** True when `actor` is the one that runs the flow right now: anything else is a late callback. */
  private runs(actor: FlowActor): boolean {
    return this.lifecycle.status === 'busy' && this.lifecycle.actor === actor;
  }

  /**
   * Handles the next queued message of a waiting conversation; with none, runs a silence that came
   * due meanwhile, or keeps listening while a silence clock runs, or parks.
   */
  private next(): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.status !== 'parked' && lifecycle.status !== 'delivering' && lifecycle.status !== 'listening') return;
    const due = this.dueTimer;
    this.dueTimer = undefined;
    const text = this.queue.shift();
    if (text === undefined) {
      if (lifecycle.status === 'parked') return;
      if (due) this.runTimer(lifecycle.actor, due);
      else if (this.timersPending) this.lifecycle = { status: 'listening', actor: lifecycle.actor, snapshot: lifecycle.snapshot };
      else if (this.parkAfterMs > 0 && this.hasAnswered && lifecycle.status === 'delivering')
        this.parkLater(lifecycle.actor, lifecycle.snapshot);
      else this.park(lifecycle.actor, lifecycle.snapshot);
      return;
    }
    // A message that came before a due silence ran ends the silence: that timer is dropped.
    let actor: FlowActor;
    if (lifecycle.status === 'parked') {
      actor = this.spawn(lifecycle.snapshot);
      // Silent: the lifecycle does not hold this actor yet, so settle() ignores the restored snapshot.
      actor.start();
    } else {
      actor = lifecycle.actor;
    }
    const blockId = this.blockId ?? '';
    this.lifecycle = { status: 'busy', actor, resumed: false };
    this.hasAnswered = true;
    this.push({ type: 'user_message', text, blockId, at: this.clock.now() });
    actor.send({ type: USER_MESSAGE_EVENT, text });
  }

  private park(actor: FlowActor, snapshot: unknown): void {
    actor.stop();
    this.lifecycle = { status: 'parked', snapshot };
    this.timers = undefined;
    // Nothing may keep the stopped actor reachable: what an idle conversation holds is its snapshot.
    if (this.parkTimer) clearTimeout(this.parkTimer);
    this.parkable = undefined;
    this.parkTimer = undefined;
  }

  /**
   * Listens with the actor kept for `parkAfterMs`, then parks unless the conversation moved on. A
   * restore costs ~30-45 µs per message; under load most messages come back within the delay.
   */
  private parkLater(actor: FlowActor, snapshot: unknown): void {
    const listening: Lifecycle = { status: 'listening', actor, snapshot };
    this.lifecycle = listening;
    this.parkable = listening;
    if (this.parkTimer) this.parkTimer.refresh();
    else {
      this.parkTimer = setTimeout(() => this.parkIfStill(), this.parkAfterMs);
      this.parkTimer.unref();
    }
  }

  /** The park timer fired: park if the conversation still waits where the timer was set (and no silence clock runs). */
  private parkIfStill(): void {
    const lifecycle = this.lifecycle;
    if (lifecycle !== this.parkable || lifecycle.status !== 'listening' || this.timersPending) return;
    this.park(lifecycle.actor, lifecycle.snapshot);
  }

  /** A timer of the actor is due: its delayed event runs as a turn of its own, once no turn is being delivered. */
  private onTimer(fire: () => void): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.status === 'listening') this.runTimer(lifecycle.actor, fire);
    else if (lifecycle.status === 'delivering') this.dueTimer = fire;
    // Otherwise the timer is stale: the flow left the block (busy), or the actor is gone.
  }

  private runTimer(actor: FlowActor, fire: () => void): void {
    this.lifecycle = { status: 'busy', actor, resumed: false };
    this.timerTurn = true;
    fire();
  }

  private push(event: ConversationEvent): void {
    this.buffer.push(event);
  }

  private record(actor: FlowActor, emitted: FlowEmitted): void {
    if (!this.runs(actor)) return;
    const at = this.clock.now();
    if (emitted.type === 'bot.message') {
      this.push({ type: 'bot_message', text: emitted.text, blockId: emitted.blockId, at });
    } else {
      const { type: _type, ...step } = emitted;
      this.push({ type: 'step', step, at });
    }
  }

  /** Called on every snapshot: closes the turn when the flow is stable (waiting or done). */
  private settle(actor: FlowActor): void {
    if (!this.runs(actor)) return;
    const snapshot = actor.getSnapshot();
    if (snapshot.status === 'done') {
      this.push({ type: 'end', blockId: this.blockId ?? '', at: this.clock.now() });
      this.deliver('ended', null);
    } else if (snapshot.status === 'active' && snapshot.hasTag(WAITING_TAG)) {
      if (this.timerTurn && this.buffer.length === 0) {
        // The delayed event changed nothing (a silence after the last reprompt): there is no turn to
        // report. Outside XState's update loop, as after a delivery, the actor may then park.
        this.timerTurn = false;
        const listening: Lifecycle = { status: 'listening', actor, snapshot: persistedAtWait(actor) };
        this.lifecycle = listening;
        void Promise.resolve().then(() => {
          if (this.lifecycle === listening) this.next();
        });
        return;
      }
      const choices = this.choices;
      this.push({ type: 'waiting', blockId: this.blockId ?? '', ...offered(choices, this.choicesOnly), at: this.clock.now() });
      // Snapshots are taken only here, at a stable point: restoring one taken while a detection was in
      // flight would run the detection again.
      this.deliver('waiting', persistedAtWait(actor));
    }
  }

  private fail(actor: FlowActor, err: unknown): void {
    if (!this.runs(actor)) return;
    const message = err instanceof Error ? err.message : String(err);
    this.push({ type: 'error', code: errors.flowError.code, message, at: this.clock.now() });
    this.deliver('failed', null);
  }

  /** Hands the turn that ends here to the owner; only ever called while busy. */
  private deliver(outcome: TurnOutcome, snapshot: unknown): void {
    const lifecycle = this.lifecycle;
    if (lifecycle.status !== 'busy') return;
    const { actor, resumed } = lifecycle;
    const blockId = this.blockId;
    const context = actor.getSnapshot().context as FlowContext | undefined;
    const turn: Turn = { events: this.buffer, outcome, blockId, variables: { ...(context?.variables ?? {}) }, snapshot, resumed };
    this.buffer = [];
    this.timerTurn = false;
    let delivering: Lifecycle | undefined;
    if (outcome === 'waiting') {
      delivering = { status: 'delivering', actor, snapshot };
      this.lifecycle = delivering;
    } else {
      // The actor is done or has failed: nothing runs any more, and later messages are ignored.
      this.lifecycle = { status: outcome, blockId };
      this.queue.length = 0;
    }
    let pending: void | Promise<void>;
    try {
      pending = this.onTurn(turn);
    } catch {
      pending = undefined; // the owner reports its own failures; the conversation goes on
    }
    if (delivering === undefined) return;
    // The next message is taken in a later microtask, never inside XState's own update loop; a
    // conversation stopped meanwhile no longer holds this delivery and is left alone.
    void Promise.resolve(pending)
      .catch(() => undefined)
      .then(() => {
        if (this.lifecycle === delivering) this.next();
      });
  }
}

/**
 * The persisted snapshot with the same properties in the same order, in an object built property by
 * property. XState makes it with an object rest and a spread (`{ ...jsonValues, context, ... }`),
 * and under load V8 gives many of those objects a hidden class and descriptor array of their own
 * (~0.3 KiB each, measured with a heap snapshot of 3,000 parked conversations); built this way they
 * all share one. The snapshot is what an idle conversation holds, so this is per idle conversation.
 */
function sharedShape(snapshot: unknown): unknown {
  if (snapshot === null || typeof snapshot !== 'object') return snapshot;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(snapshot)) copy[key] = value;
  return copy;
}

/**
 * The persisted snapshot of an actor that waits: what XState's `getPersistedSnapshot()` gives, built
 * directly. At a waiting point the flow runs no child actor (a detection or call ends when its state
 * is left), has no history state, and its context holds JSON values only, so XState's persisted form
 * is the snapshot's own fields in this order; building it here skips XState's object rest and
 * spread, and the copy (see sharedShape), on every turn. Any other snapshot goes through XState.
 */
function persistedAtWait(actor: FlowActor): unknown {
  const snapshot = actor.getSnapshot() as {
    status: string;
    output: unknown;
    error: unknown;
    value: unknown;
    historyValue: object;
    context: unknown;
    children: object;
  };
  if (!isEmpty(snapshot.children) || !isEmpty(snapshot.historyValue)) return sharedShape(actor.getPersistedSnapshot());
  return {
    status: snapshot.status,
    output: snapshot.output,
    error: snapshot.error,
    value: snapshot.value,
    historyValue: NOTHING,
    context: snapshot.context,
    children: NOTHING,
  };
}

/**
 * One frozen empty record for every snapshot's empty `historyValue` and `children`: a parked
 * conversation holds its snapshot, and two empty objects of its own were 112 bytes of each one's
 * heap. XState only reads them when it restores a snapshot.
 */
const NOTHING: Readonly<Record<string, never>> = Object.freeze({});

function isEmpty(record: object): boolean {
  for (const _key in record) return false;
  return true;
}

function valueOf(snapshot: unknown): string | null {
  const value = (snapshot as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : null;
}

/** The `choices` (and `choicesOnly`) of a waiting event: present only where the block has choices. */
export function offered(choices: WaitingChoice[], choicesOnly: boolean): { choices?: WaitingChoice[]; choicesOnly?: true } {
  if (choices.length === 0) return {};
  return choicesOnly ? { choices, choicesOnly: true } : { choices };
}
