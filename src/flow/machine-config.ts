/**
 * The JSON shape of a compiled flow: a plain XState v5 machine config (no functions), so that it can be
 * stored, exported, pasted into the Stately visualizer and handed to `createMachine()` as is. Behaviour
 * is referenced by name (`{ type, params }`) and supplied through `setup()` by src/runtime.
 */

export interface ActionRef {
  type: 'say' | 'saveReply' | 'step';
  params: Record<string, string | number | null>;
}

export interface GuardRef {
  type: 'intentIs' | 'noMatchLimitReached';
  params: Record<string, string | number>;
}

export interface TransitionJson {
  target: string;
  guard?: GuardRef;
  actions: ActionRef[];
}

export interface StateJson {
  type?: 'final';
  tags?: string[];
  description?: string;
  entry?: ActionRef[];
  always?: TransitionJson;
  on?: Record<string, TransitionJson>;
  invoke?: {
    id: string;
    src: 'detectIntent';
    input: { blockId: string };
    onDone: TransitionJson[];
    onError: TransitionJson;
  };
}

export interface FlowContext {
  /** `saveAs` variables plus `lastMessage` and `intent`. */
  variables: Record<string, string>;
  /** No-matches in a row, per intent block id. */
  noMatchCounts: Record<string, number>;
}

export interface MachineConfigJson {
  id: string;
  initial: string;
  context: FlowContext;
  options: { maxIterations: number };
  states: Record<string, StateJson>;
}

/** The tag of states where the conversation is stable, waiting for the user. */
export const WAITING_TAG = 'waiting';
/** The one event the machine takes from outside. */
export const USER_MESSAGE_EVENT = 'user.message';
