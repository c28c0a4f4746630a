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
export class ActorClock {
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private sequence = 0;

  /** `due(fire)` is called when a timer is due; calling `fire` hands the delayed event to the actor. */
  constructor(private readonly due: (fire: () => void) => void) {}

  /** Timers scheduled and neither due nor cancelled yet. */
  get pending(): number {
    return this.timers.size;
  }

  setTimeout(fn: () => void, timeout: number): number {
    const id = ++this.sequence;
    const handle = setTimeout(() => {
      this.timers.delete(id);
      this.due(fn);
    }, timeout);
    // A silence clock never keeps a process alive on its own: a server has its sockets, the CLI its stdin.
    handle.unref();
    this.timers.set(id, handle);
    return id;
  }

  clearTimeout(id: number): void {
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(id);
  }

  /** Cancels every pending timer (the conversation stops). */
  clear(): void {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}
