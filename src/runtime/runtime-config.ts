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
 * The compiled config as the runtime's machine runs it: the same states, with two changes to the
 * transitions that make a turn cheaper for XState (npm run bench: XState was 35% of a local turn)
 * and change nothing of what the conversation does, stores or sends:
 *
 * - a `noteIntent` before the `step` of every transition that takes a detection's answer. `step`
 *   both reported the move (an emit) and kept the intent bookkeeping (an assign), so it had to be
 *   an `enqueueActions`, which XState resolves on every move by building an `enqueue` object with a
 *   closure per kind of action and new action objects for what it enqueues. Now `step` is a plain
 *   `emit`, and the bookkeeping an `assign` only where there is some to keep.
 * - the blocks a transition only passes through (message, set) folded into it (see `folded`): one
 *   microstep per block passed instead of two, e.g. a turn of the default flow takes two
 *   microsteps instead of three.
 *
 * The compiled config itself (what is stored, exported, and what `flowbot test` generates tests
 * and measures coverage on) is left as it is: every state stays, and a start block is still entered.
 */
export function runtimeConfig(config: MachineConfigJson): MachineConfigJson {
  const states: Record<string, StateJson> = {};
  for (const [id, state] of Object.entries(config.states)) {
    states[id] = withPassedThrough(id, state.invoke ? withNotedDetection(state) : state, config.states);
  }
  return { ...config, states };
}

/** Own properties only: a block may be named "constructor". */
function stateOf(states: Readonly<Record<string, StateJson>>, id: string): StateJson | undefined {
  return Object.hasOwn(states, id) ? states[id] : undefined;
}

/**
 * A state XState only passes through: its entry actions, then at once one unguarded eventless
 * transition (a message or set block). Entering it costs a microstep of its own.
 */
function passThrough(state: StateJson | undefined): (TransitionJson & { target: string }) | undefined {
  if (!state || state.type || state.tags || state.on || state.after || state.invoke || state.meta) return undefined;
  const always = state.always;
  if (always === undefined || Array.isArray(always) || always.guard || always.reenter) return undefined;
  const target = always.target;
  return target === undefined ? undefined : { ...always, target };
}

/**
 * The transition with the states it would only pass through folded in: it targets where they lead,
 * their entry and eventless actions run in the same order as when XState entered each (nothing
 * runs between them: no guard, no exit action, no event), so the same messages and steps are
 * emitted with the same context. A chain that comes back to its source re-enters it, as leaving
 * and coming back did. Stops at a chain that loops (a flow the validator refuses anyway).
 */
function folded(source: string, transition: TransitionJson, states: Readonly<Record<string, StateJson>>): TransitionJson {
  if (transition.target === undefined) return transition;
  let target: string = transition.target;
  let actions: ActionRef[] | undefined;
  const seen = new Set<string>();
  for (let next = passThrough(stateOf(states, target)); next !== undefined; next = passThrough(stateOf(states, target))) {
    if (seen.has(target)) return transition;
    seen.add(target);
    actions ??= [...transition.actions];
    actions.push(...(stateOf(states, target)?.entry ?? []), ...next.actions);
    target = next.target;
  }
  if (actions === undefined) return transition;
  const { reenter: _reenter, ...rest } = transition;
  return { ...rest, target, actions, ...(target === source ? { reenter: true as const } : {}) };
}

function foldedAll<T extends TransitionJson | TransitionJson[] | undefined>(
  source: string,
  transitions: T,
  states: Readonly<Record<string, StateJson>>,
): T {
  if (transitions === undefined) return transitions;
  return (Array.isArray(transitions) ? transitions.map((t) => folded(source, t, states)) : folded(source, transitions, states)) as T;
}

function withPassedThrough(id: string, state: StateJson, states: Readonly<Record<string, StateJson>>): StateJson {
  const copy: StateJson = { ...state };
  if (state.always) copy.always = foldedAll(id, state.always, states);
  if (state.on) copy.on = Object.fromEntries(Object.entries(state.on).map(([event, t]) => [event, foldedAll(id, t, states)]));
  if (state.after) copy.after = Object.fromEntries(Object.entries(state.after).map(([delay, t]) => [delay, foldedAll(id, t, states)]));
  if (state.invoke) {
    copy.invoke = {
      ...state.invoke,
      onDone: foldedAll(id, state.invoke.onDone, states),
      onError: foldedAll(id, state.invoke.onError, states),
    };
  }
  return copy;
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
  // The one widening: `noteIntent` is the runtime's own action, never in a compiled (stored, exported) config.
  return { ...transition, actions: actions as ActionRef[] };
}
