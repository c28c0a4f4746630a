import type { ActorLogic, AnyActorRef, PromiseSnapshot } from 'xstate';

/**
 * The actor logic of a flow's invoked tasks (intent detection, http calls): XState's `fromPromise`
 * contract (a snapshot that ends `done` with the output or `error` with the reason, so the invoking
 * state's `onDone`/`onError` take it; stopping it aborts the work), made cheaper for what a
 * conversation does on every turn. Why not `fromPromise` itself (npm run bench, profile of a local
 * turn: the invoked detection cost ~60 µs of ~300):
 *
 * - A task that can answer at once (the local classifier) does so in `start`: its answer is sent to
 *   the actor's own mailbox, which XState processes as soon as the actor has started, inside the
 *   same macrostep of the conversation. No promise, no microtask hop, no AbortController.
 * - An abort signal is made only when the task asks for one (`signal()`), one per task, and
 *   released when the task settles.
 * - The settled snapshot holds the output only: the input is dropped, nothing else is copied.
 *
 * The snapshot is the same shape as a promise actor's, so guards and actions read `event.output`
 * and `event.error` exactly as they would with `fromPromise`.
 */

export interface TaskScope<TInput> {
  input: TInput;
  /** The actor system: a task reads the conversation through its root actor (`system.get(id)`). */
  system: { get(systemId: string): AnyActorRef | undefined };
  /** The task's abort signal, made on first use: it aborts when the actor stops (the flow left the state). */
  signal: () => AbortSignal;
}

/** The answer now, or a promise of it. Outputs are plain records, never thenables. */
export type TaskRun<TOutput, TInput> = (scope: TaskScope<TInput>) => TOutput | Promise<TOutput>;

const SETTLED = 'flowbot.task.settled';
const FAILED = 'flowbot.task.failed';
/** XState's own event to a child it stops (XSTATE_STOP, not exported by the package). */
const STOP = 'xstate.stop';

type TaskEvent = { type: typeof SETTLED; output: unknown } | { type: typeof FAILED; error: unknown } | { type: typeof STOP };

type TaskSnapshot<TOutput, TInput> = PromiseSnapshot<TOutput, TInput>;

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function fromTask<TOutput, TInput>(run: TaskRun<TOutput, TInput>): ActorLogic<TaskSnapshot<TOutput, TInput>, TaskEvent, TInput> {
  // Keyed by the actor, as fromPromise does: a snapshot is data and holds no controller.
  const controllers = new WeakMap<object, AbortController>();
  return {
    config: run,
    transition: (snapshot, event, { self }) => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case SETTLED:
          controllers.delete(self);
          return { status: 'done', output: event.output as TOutput, error: undefined, input: undefined };
        case FAILED:
          controllers.delete(self);
          return { status: 'error', output: undefined, error: event.error, input: undefined };
        case STOP:
          controllers.get(self)?.abort();
          controllers.delete(self);
          return { status: 'stopped', output: undefined, error: undefined, input: undefined };
        default:
          return snapshot;
      }
    },
    start: (snapshot, { self, system }) => {
      if (snapshot.status !== 'active') return;
      const signal = (): AbortSignal => {
        let controller = controllers.get(self);
        if (controller === undefined) {
          controller = new AbortController();
          controllers.set(self, controller);
        }
        return controller.signal;
      };
      let answer: TOutput | Promise<TOutput>;
      try {
        answer = run({ input: snapshot.input as TInput, system, signal });
      } catch (error) {
        self.send({ type: FAILED, error });
        return;
      }
      if (!isThenable(answer)) {
        // The mailbox is not started yet: XState processes this right after start() returns.
        self.send({ type: SETTLED, output: answer });
        return;
      }
      answer.then(
        (output) => {
          if (self.getSnapshot().status === 'active') self.send({ type: SETTLED, output });
        },
        (error: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: FAILED, error });
        },
      );
    },
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as TaskSnapshot<TOutput, TInput>,
  };
}
