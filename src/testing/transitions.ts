import type { ActionRef, MachineConfigJson, TransitionJson } from '../flow/machine-config';
import type { Step } from '../flow/step';

/**
 * A transition of the compiled machine as coverage counts it: one `step` action of the config (from,
 * to, event, and what tells apart two transitions between the same blocks: the intent, the choice,
 * the case). The transitions that only restart a silence clock on a resume, or stop it after the last
 * reprompt, report no step and are not counted: nothing a user sees depends on them.
 */
export interface MachineTransition {
  from: string;
  to: string;
  event: string;
  /** The intent id, choice value, case index or http failure that selects this transition among its siblings. */
  detail?: string;
}

/**
 * The two ways an http block's call can take its `error` way out, as coverage counts them: the service
 * answered with a status that is not 2xx (`httpError` is `status`), or no usable answer came (a timeout,
 * a network failure, a blocked address, an answer too large or not JSON, or the actor failing). The
 * compiled machine takes both through the same `error` edge (onDone's unguarded branch, or onError when
 * the actor rejects), so its branches do not tell them apart; the outcome does, and it is what a test
 * mocks (a `status`, or an `error`). A flow's tests cover the edge only when they try both.
 */
export const HTTP_FAILURE_DETAILS = { status: 'status not 2xx', other: 'no usable answer' } as const;

function httpFailureDetail(httpError: string | undefined): string {
  return httpError === 'status' ? HTTP_FAILURE_DETAILS.status : HTTP_FAILURE_DETAILS.other;
}

/** `route -> weather (intent.matched: weather)` */
export function transitionLabel(t: MachineTransition): string {
  return `${t.from} -> ${t.to} (${t.event}${t.detail !== undefined ? `: ${t.detail}` : ''})`;
}

export function transitionKey(t: MachineTransition): string {
  return `${t.from}\u0000${t.to}\u0000${t.event}\u0000${t.detail ?? ''}`;
}

function stepAction(transition: TransitionJson): ActionRef | undefined {
  return transition.actions.find((a) => a.type === 'step');
}

function list(value: TransitionJson | TransitionJson[] | undefined): TransitionJson[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every counted transition of a compiled machine, in block order then in the order they are tried. */
export function machineTransitions(config: MachineConfigJson): MachineTransition[] {
  const found: MachineTransition[] = [];
  for (const state of Object.values(config.states)) {
    const all = [
      ...list(state.always),
      ...Object.values(state.on ?? {}).flatMap(list),
      ...Object.values(state.after ?? {}).flat(),
      ...(state.invoke ? [...state.invoke.onDone, state.invoke.onError] : []),
    ];
    const httpFailures = new Set<string>();
    for (const transition of all) {
      const action = stepAction(transition);
      if (!action) continue;
      const { from, to, event } = action.params as { from: string; to: string; event: string };
      if (event === 'http.error') {
        // onDone and onError both take the one `error` edge: it counts once per way to fail, not per branch.
        const edge = `${from}\u0000${to}`;
        if (httpFailures.has(edge)) continue;
        httpFailures.add(edge);
        found.push(...Object.values(HTTP_FAILURE_DETAILS).map((detail) => ({ from, to, event, detail })));
        continue;
      }
      const intent = transition.guard?.type === 'intentIs' ? (transition.guard.params.intent as string) : undefined;
      found.push(withDetail({ from, to, event }, action.params.choice, action.params.case, intent));
    }
  }
  return found;
}

function withDetail(base: MachineTransition, choice: unknown, index: unknown, intent: string | undefined): MachineTransition {
  if (typeof choice === 'string') return { ...base, detail: choice };
  if (typeof index === 'number') return { ...base, detail: String(index) };
  if (intent !== undefined) return { ...base, detail: intent };
  return base;
}

/** The transition a step of a conversation's history took; undefined for the first step into `start`. */
export function transitionOfStep(step: Step): MachineTransition | undefined {
  if (step.from === null) return undefined;
  const base = { from: step.from, to: step.to, event: step.event };
  if (step.event === 'http.error') return { ...base, detail: httpFailureDetail(step.httpError) };
  return withDetail(base, step.choice, step.case, step.event === 'intent.matched' ? step.intent : undefined);
}

export interface Coverage {
  /** Share of the machine's transitions taken, 0..1 (1 for a machine without transitions). */
  ratio: number;
  taken: number;
  total: number;
  /** The transitions not taken, as `from -> to (event)`. */
  uncovered: string[];
}

/** What share of `config`'s transitions the steps took. */
export function coverageOf(config: MachineConfigJson, steps: Iterable<Step>): Coverage {
  const all = machineTransitions(config);
  const takenKeys = new Set<string>();
  for (const step of steps) {
    const transition = transitionOfStep(step);
    if (transition) takenKeys.add(transitionKey(transition));
  }
  const uncovered = all.filter((t) => !takenKeys.has(transitionKey(t)));
  const taken = all.length - uncovered.length;
  return { ratio: all.length === 0 ? 1 : taken / all.length, taken, total: all.length, uncovered: uncovered.map(transitionLabel) };
}
