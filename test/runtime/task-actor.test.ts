import { assign, createActor, setup } from 'xstate';
import { fromTask, type TaskRun } from '../../src/runtime/task-actor';

/** A machine that invokes `task` in `working` and records how it ended. */
function machineWith(task: TaskRun<{ answer: string }, { word: string }>) {
  return setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- setup() infers the machine's types from this value
    types: {} as { context: { answer: string | null; error: string | null }; events: { type: 'go' } | { type: 'leave' } },
    actors: { task: fromTask(task) },
  }).createMachine({
    context: { answer: null, error: null },
    initial: 'idle',
    states: {
      idle: { on: { go: 'working' } },
      working: {
        invoke: {
          src: 'task',
          input: { word: 'hello' },
          onDone: { target: 'done', actions: assign({ answer: ({ event }) => event.output.answer }) },
          onError: { target: 'failed', actions: assign({ error: ({ event }) => String(event.error) }) },
        },
        on: { leave: 'idle' },
      },
      done: {},
      failed: {},
    },
  });
}

describe('fromTask: the invoked actor of detections', () => {
  it('an answer given at once is taken within the same send', () => {
    const actor = createActor(machineWith(({ input }) => ({ answer: input.word.toUpperCase() })));
    actor.start();
    actor.send({ type: 'go' });
    // No microtask has run: the onDone transition was taken inside the macrostep of `go`.
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().context.answer).toBe('HELLO');
    actor.stop();
  });

  it('a throw takes onError at once', () => {
    const actor = createActor(
      machineWith(() => {
        throw new Error('no block');
      }),
    );
    actor.start();
    actor.send({ type: 'go' });
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.error).toContain('no block');
  });

  it('a promise settles later: resolve takes onDone, reject takes onError', async () => {
    const ok = createActor(machineWith(({ input }) => Promise.resolve({ answer: input.word })));
    ok.start();
    ok.send({ type: 'go' });
    expect(ok.getSnapshot().value).toBe('working');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ok.getSnapshot().value).toBe('done');
    expect(ok.getSnapshot().context.answer).toBe('hello');

    const bad = createActor(machineWith(() => Promise.reject(new Error('model down'))));
    bad.start();
    bad.send({ type: 'go' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(bad.getSnapshot().value).toBe('failed');
    expect(bad.getSnapshot().context.error).toContain('model down');
  });

  it('leaving the state aborts the signal the task asked for, and a late answer is ignored', async () => {
    let seen: AbortSignal | undefined;
    let finish: ((value: { answer: string }) => void) | undefined;
    const actor = createActor(
      machineWith(({ signal }) => {
        seen = signal();
        return new Promise((resolve) => (finish = resolve));
      }),
    );
    actor.start();
    actor.send({ type: 'go' });
    expect(seen?.aborted).toBe(false);
    actor.send({ type: 'leave' });
    expect(seen?.aborted).toBe(true);
    finish?.({ answer: 'late' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().context.answer).toBeNull();
  });

  it('stopping the conversation aborts a task in flight', () => {
    let seen: AbortSignal | undefined;
    const actor = createActor(
      machineWith(({ signal }) => {
        seen = signal();
        return new Promise<never>(() => undefined);
      }),
    );
    actor.start();
    actor.send({ type: 'go' });
    actor.stop();
    expect(seen?.aborted).toBe(true);
  });
});
