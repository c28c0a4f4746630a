/**
 * The clock a conversation's actor schedules its delayed (`after`) transitions on: XState's own
 * `clock` option (`createActor(machine, { clock })`), so the silence of a `noReply` block stays an
 * XState delayed transition while the conversation decides when a due one runs.
 *
 * Why the conversation must decide: a due silence starts a turn of its own (a reprompt, or a move to
 * `noReply.next`) that has to be stored before the next one, so it must not run while a turn is
 * being delivered; and a conversation may only release (park) its actor when no timer is pending,
 * because XState neither persists scheduled events in `getPersistedSnapshot()` nor schedules them
 * again when an actor is restored (see statelyai/xstate#5331).
 */
/** Where timers are kept: the process's own, or a virtual clock that a test moves on (src/testing). */
export interface TimerHost {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: TimerHost = Object.freeze({
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = setTimeout(fn, ms);
    // A silence clock never keeps a process alive on its own: a server has its sockets, the CLI its stdin.
    handle.unref();
    return handle;
  },
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
});

export class ActorClock {
  /**
   * Made on the first timer: most conversations never schedule one, and an empty Map is ~0.4 KiB of
   * heap, which an idle conversation (see Conversation, `parked`) would hold for nothing.
   */
  private timers: Map<number, unknown> | undefined;
  private sequence = 0;

  /**
   * `due(fire)` is called when a timer is due; calling `fire` hands the delayed event to the actor.
   * `host` keeps the time: real timers by default, a virtual clock in conversation tests.
   */
  constructor(
    private readonly due: (fire: () => void) => void,
    private readonly host: TimerHost = realTimers,
  ) {}

  /** Timers scheduled and neither due nor cancelled yet. */
  get pending(): number {
    return this.timers?.size ?? 0;
  }

  setTimeout(fn: () => void, timeout: number): number {
    const id = ++this.sequence;
    const timers = (this.timers ??= new Map());
    const handle = this.host.setTimeout(() => {
      timers.delete(id);
      this.due(fn);
    }, timeout);
    timers.set(id, handle);
    return id;
  }

  clearTimeout(id: number): void {
    const handle = this.timers?.get(id);
    if (handle === undefined) return;
    this.host.clearTimeout(handle);
    this.timers?.delete(id);
  }

  /** Cancels every pending timer (the conversation stops). */
  clear(): void {
    if (!this.timers) return;
    for (const handle of this.timers.values()) this.host.clearTimeout(handle);
    this.timers.clear();
  }
}
