import { assign, createActor, emit, setup } from 'xstate';
import { fromTask } from '../../src/runtime/task-actor';
import { timeLoop } from './stats';

/**
 * What XState itself costs per turn in the design the product keeps (one actor per conversation, the
 * detection an invoked child): a two-state machine whose wait takes the message with one assign, and
 * whose detection state invokes a task that answers at once (flowbot's own `fromTask`, as the local
 * classifier does) and goes back with one emit. No classifier, no flow, no storage: a reference for
 * the share of flowbot's runtime turn that no change inside that design can remove.
 */
export function minimalXstateTurnMicros(budgetMs: number): number {
  const machine = setup({
    actors: { detect: fromTask<{ intent: string }, { text: string }>(() => ({ intent: 'weather' })) },
    actions: {
      say: emit((_args, params: { text: string }) => ({ type: 'bot.message' as const, text: params.text })),
      save: assign(({ event }) => ({ last: (event as { text?: string }).text ?? '' })),
    },
  }).createMachine({
    context: { last: '' },
    initial: 'ask',
    states: {
      ask: { on: { 'user.message': { target: 'route', actions: [{ type: 'save' }] } } },
      route: {
        invoke: {
          src: 'detect',
          input: ({ event }) => ({ text: (event as { text?: string }).text ?? '' }),
          onDone: { target: 'ask', reenter: true, actions: [{ type: 'say', params: { text: 'sunny' } }] },
        },
      },
    },
  });
  const actor = createActor(machine);
  let emitted = 0;
  actor.on('*', () => (emitted += 1));
  actor.start();
  const turn = (): void => actor.send({ type: 'user.message', text: 'weather please' });
  // JIT warm-up first, as for the runtime turn.
  for (let i = 0; i < 20_000; i += 1) turn();
  const timed = timeLoop(turn, budgetMs);
  actor.stop();
  if (emitted < 20_000 || actor.getSnapshot().value !== 'ask') throw new Error('the minimal XState turn did not run');
  return timed.microsPerCall;
}
