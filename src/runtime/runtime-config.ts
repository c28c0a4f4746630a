import type { ActionRef, JsonValue, MachineConfigJson, StateJson, TransitionJson } from '../flow/machine-config';

/**
 * The action the runtime adds before each `step` of an intent detection's answer: the detection's
 * bookkeeping (the `intent` variable, the block's no-matches in a row), as an `assign` of its own.
 */
export const NOTE_INTENT_ACTION = 'noteIntent';

/** The `intent.*` steps whose transition changes the context (an `intent.error` leaves it as it was). */
const NOTED_EVENTS: ReadonlySet<string> = new Set(['intent.matched', 'intent.noMatch', 'intent.maxNoMatch']);

type RuntimeAction = ActionRef | { type: typeof NOTE_INTENT_ACTION; params: Record<string, JsonValue> };

/**
 * The compiled config as the runtime's machine runs it: the same states and transitions, with a
 * `noteIntent` before the `step` of every transition that takes a detection's answer.
 *
 * Why: `step` both reports the move (an emit) and, after a detection, keeps the intent bookkeeping
 * (an assign). As one action that had to be an `enqueueActions`, which XState resolves on every
 * move by building an `enqueue` object with a closure per kind of action and new action objects
 * for what it enqueues (npm run bench: XState was 35% of a local turn). As a plain `emit`, with the
 * bookkeeping an `assign` only where there is some to keep, a turn resolves fewer and cheaper
 * actions. The compiled config itself (what is stored, exported and what `flowbot test` reads)
 * is left as it is; the context and the emitted steps are the same.
 */
export function runtimeConfig(config: MachineConfigJson): MachineConfigJson {
  const states: Record<string, StateJson> = {};
  for (const [id, state] of Object.entries(config.states)) states[id] = state.invoke ? withNotedDetection(state) : state;
  return { ...config, states };
}

function withNotedDetection(state: StateJson): StateJson {
  const invoke = state.invoke;
  if (!invoke || invoke.src !== 'detectIntent') return state;
  return { ...state, invoke: { ...invoke, onDone: invoke.onDone.map(noted), onError: noted(invoke.onError) } };
}

function noted(transition: TransitionJson): TransitionJson {
  const actions: RuntimeAction[] = [];
  for (const action of transition.actions) {
    const event = action.params.event;
    if (action.type === 'step' && typeof event === 'string' && NOTED_EVENTS.has(event)) {
      actions.push({ type: NOTE_INTENT_ACTION, params: action.params });
    }
    actions.push(action);
  }
  return { ...transition, actions: actions as ActionRef[] };
}
