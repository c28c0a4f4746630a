import { systemClock } from '../../util/clock';
import { abortError } from './abort';

/**
 * A deadline for one detection: a signal that aborts when the caller's signal aborts OR when `ms`
 * have passed, whichever comes first, and a way to tell the two apart afterwards (the caller
 * aborting means "stop, nobody listens", the deadline means "fall back").
 *
 * Built by hand rather than with AbortSignal.any so that the listener on the caller's long-lived
 * signal is removed as soon as the detection ends (dispose), whatever the Node version.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the timer fired. */
  readonly expired: boolean;
  /** Milliseconds left before the timer fires (0 when expired). */
  remainingMs(): number;
  /** Stops the timer and detaches from the caller's signal. Idempotent. */
  dispose(): void;
}

export class DeadlineExceededError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`Intent detection deadline of ${ms} ms exceeded`);
  }
}

/** On the system clock, not an injected one: the deadline is a real timer, and what is left must agree with it. */
export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const endsAt = systemClock.monotonic() + ms;
  let expired = false;

  const onParentAbort = (): void => {
    if (parent) controller.abort(abortError(parent));
  };
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DeadlineExceededError(ms));
  }, ms);
  // A pending deadline must not keep the process alive on shutdown.
  timer.unref();

  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });

  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    remainingMs: () => Math.max(0, endsAt - systemClock.monotonic()),
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
