import { type Actor, type AnyStateMachine, createActor } from 'xstate';
import { errors } from '../errors';
import { WAITING_TAG, USER_MESSAGE_EVENT, type FlowContext } from '../flow/machine-config';
import type { ConversationEvent, Turn, TurnOutcome } from './events';
import { CONVERSATION_SYSTEM_ID, type FlowEmitted } from './flow-machine';

export interface ConversationOptions {
  /** The machine of the conversation's flow version (see createFlowMachine), shared across conversations. */
  machine: AnyStateMachine;
  /** A persisted snapshot taken at a waiting point, to resume from. */
  snapshot?: unknown;
  /**
   * Receives each turn when the conversation reaches a stable point. The next queued user message is
   * handled only after the returned promise settles, so turns are stored in order, before they are shown.
   */
  onTurn: (turn: Turn) => void | Promise<void>;
  /** Wall clock for event timestamps. */
  now?: () => Date;
}

type State = 'new' | 'busy' | 'waiting' | 'ended' | 'failed' | 'stopped';

/**
 * One conversation: one XState actor of the flow's machine, a queue of user messages and a buffer of
 * what happened since the last stable point. Knows nothing of sockets or databases.
 */
export class Conversation {
  /** The running actor; undefined while parked. */
  private actor: Actor<AnyStateMachine> | undefined;
  private readonly machine: AnyStateMachine;
  private readonly onTurn: ConversationOptions['onTurn'];
  private readonly now: () => Date;
  private readonly queue: string[] = [];
  private buffer: ConversationEvent[] = [];
  private state: State = 'new';
  /** True while the owner handles a turn: user messages wait in the queue meanwhile. */
  private delivering = false;
  private readonly restored: boolean;
  private readonly startBlock: string;
  /** The persisted snapshot of the latest waiting point. */
  private waitSnapshot: unknown;
  /**
   * True while the conversation waits with nothing to do and its actor is released. A waiting
   * conversation waits for a person, seconds to minutes; keeping only its persisted snapshot (a few
   * hundred bytes) instead of a started actor (~4 KiB) is what lets one process hold many idle
   * conversations. Restoring the actor costs ~30-45 µs when the next message comes.
   */
  private parked = false;

  constructor(options: ConversationOptions) {
    this.machine = options.machine;
    this.onTurn = options.onTurn;
    this.now = options.now ?? (() => new Date());
    this.restored = options.snapshot !== undefined && options.snapshot !== null;
    const initial = (options.machine.config as { initial?: unknown }).initial;
    this.startBlock = typeof initial === 'string' ? initial : '';
    this.actor = this.spawn(this.restored ? options.snapshot : undefined);
  }

  /** The block the conversation is at (waiting, ended, or in between). */
  get blockId(): string | null {
    const value: unknown = this.actor ? this.actor.getSnapshot().value : (this.waitSnapshot as { value?: unknown } | undefined)?.value;
    return typeof value === 'string' ? value : null;
  }

  /** True while the actor is released (see `parked`); for tests and monitoring. */
  get isParked(): boolean {
    return this.parked;
  }

  get status(): State {
    return this.state;
  }

  get pendingMessages(): number {
    return this.queue.length;
  }

  /** Runs the flow up to its first wait (or, for a restored conversation, announces where it waits). */
  start(): void {
    if (this.state !== 'new') return;
    this.state = 'busy';
    if (!this.restored) this.push({ type: 'step', step: { from: null, to: this.startBlock, event: 'start' }, at: this.now() });
    this.actor?.start();
    this.settle();
  }

  /** Accepts a user message; it is handled now if the flow waits, otherwise queued in order. */
  send(text: string): void {
    if (this.state === 'ended' || this.state === 'failed' || this.state === 'stopped') return;
    this.queue.push(text);
    this.pump();
  }

  /** Stops the actor: an intent detection in flight is aborted (its AbortSignal fires). */
  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.queue.length = 0;
    this.actor?.stop();
    this.actor = undefined;
  }

  private spawn(snapshot: unknown): Actor<AnyStateMachine> {
    const actor = createActor(this.machine, {
      systemId: CONVERSATION_SYSTEM_ID,
      ...(snapshot !== undefined ? { snapshot: snapshot as never } : {}),
    });
    actor.on('*', (emitted) => this.record(emitted as FlowEmitted));
    // Observing errors is what keeps XState from rethrowing them as uncaught exceptions.
    actor.subscribe({ next: () => this.settle(), error: (err) => this.fail(err) });
    return actor;
  }

  private pump(): void {
    if (this.state !== 'waiting' || this.delivering) return;
    const text = this.queue.shift();
    if (text === undefined) {
      this.park();
      return;
    }
    if (this.parked) {
      this.parked = false;
      this.actor = this.spawn(this.waitSnapshot);
      this.actor.start(); // silent: the state is 'waiting', so settle() ignores the restored snapshot
    }
    this.state = 'busy';
    this.push({ type: 'user_message', text, blockId: this.blockId ?? '', at: this.now() });
    this.actor?.send({ type: USER_MESSAGE_EVENT, text });
  }

  /** Releases the actor of a conversation that waits with nothing queued; pump() restores it. */
  private park(): void {
    if (this.parked || !this.actor || this.waitSnapshot === undefined) return;
    this.actor.stop();
    this.actor = undefined;
    this.parked = true;
  }

  private push(event: ConversationEvent): void {
    this.buffer.push(event);
  }

  private record(emitted: FlowEmitted): void {
    const at = this.now();
    if (emitted.type === 'bot.message') {
      this.push({ type: 'bot_message', text: emitted.text, blockId: emitted.blockId, at });
    } else {
      const { type: _type, ...step } = emitted;
      this.push({ type: 'step', step, at });
    }
  }

  /** Called on every snapshot: closes the turn when the flow is stable (waiting or done). */
  private settle(): void {
    if (this.state !== 'busy' || !this.actor) return;
    const snapshot = this.actor.getSnapshot();
    if (snapshot.status === 'done') {
      this.push({ type: 'end', blockId: this.blockId ?? '', at: this.now() });
      this.deliver('ended', null);
    } else if (snapshot.status === 'active' && snapshot.hasTag(WAITING_TAG)) {
      this.push({ type: 'waiting', blockId: this.blockId ?? '', at: this.now() });
      // Snapshots are taken only here, at a stable point: restoring one taken while a detection was in
      // flight would run the detection again.
      this.waitSnapshot = this.actor.getPersistedSnapshot();
      this.deliver('waiting', this.waitSnapshot);
    }
  }

  private fail(err: unknown): void {
    if (this.state === 'stopped' || this.state === 'failed') return;
    this.state = 'busy';
    const message = err instanceof Error ? err.message : String(err);
    this.push({ type: 'error', code: errors.flowError.code, message, at: this.now() });
    this.deliver('failed', null);
  }

  private deliver(outcome: TurnOutcome, snapshot: unknown): void {
    const context = this.actor?.getSnapshot().context as FlowContext | undefined;
    const turn: Turn = {
      events: this.buffer,
      outcome,
      blockId: this.blockId,
      variables: { ...(context?.variables ?? {}) },
      snapshot,
      resumed: this.restored && this.buffer.length === 1 && this.buffer[0]?.type === 'waiting',
    };
    this.buffer = [];
    this.state = outcome === 'waiting' ? 'waiting' : outcome;
    this.delivering = true;
    let pending: void | Promise<void>;
    try {
      pending = this.onTurn(turn);
    } catch {
      pending = undefined; // the owner reports its own failures; the conversation goes on
    }
    // The next message is taken in a later microtask, never inside XState's own update loop.
    void Promise.resolve(pending)
      .catch(() => undefined)
      .then(() => {
        this.delivering = false;
        this.pump();
      });
  }
}
