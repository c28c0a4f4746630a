/**
 * The JSON shape of a compiled flow: a plain XState v5 machine config (no functions), so that it can be
 * stored, exported, pasted into the Stately visualizer and handed to `createMachine()` as is. Behaviour
 * is referenced by name (`{ type, params }`) and supplied through `setup()` by src/runtime.
 */
import type { JsonValue, Scalar } from './types';

/** Any JSON value: what params may hold. */
export type { JsonValue } from './types';

export type ActionType =
  | 'say'
  | 'saveReply'
  | 'saveChoice'
  | 'saveAnswer'
  | 'rejectAnswer'
  | 'noteSilence'
  | 'clearCounts'
  | 'assignVariables'
  | 'saveHttpResult'
  | 'step';

export interface ActionRef {
  type: ActionType;
  params: Record<string, JsonValue>;
}

export type GuardType =
  | 'intentIs'
  | 'noMatchLimitReached'
  | 'caseHolds'
  | 'choiceIs'
  | 'answerFits'
  | 'invalidLimitReached'
  | 'silenceLimitReached'
  | 'httpSucceeded';

export interface GuardRef {
  type: GuardType;
  params: Record<string, JsonValue>;
}

export interface TransitionJson {
  /** Absent on a transition that only stops something (a silence past its last reprompt). */
  target?: string;
  guard?: GuardRef;
  /** A transition to the state itself that exits and enters it again, restarting its silence clock. */
  reenter?: true;
  actions: ActionRef[];
}

export interface StateJson {
  type?: 'final';
  tags?: string[];
  description?: string;
  /** What a wait state offers its client (its choices). */
  meta?: { choices?: Array<{ label: string; value: string }>; choicesOnly?: true };
  entry?: ActionRef[];
  always?: TransitionJson | TransitionJson[];
  on?: Record<string, TransitionJson | TransitionJson[]>;
  /** Delayed transitions, by delay in milliseconds. */
  after?: Record<string, TransitionJson[]>;
  invoke?: {
    id: string;
    /** Intent detection, or the call of an http block (both abort when the state is left). */
    src: 'detectIntent' | 'callHttp';
    input: { blockId: string };
    onDone: TransitionJson[];
    onError: TransitionJson;
  };
}

export interface FlowContext {
  /** `saveAs`, `set` and `save` variables plus the builtins (`lastMessage`, `intent`, `httpError`, `httpStatus`): JSON scalars. */
  variables: Record<string, Scalar>;
  /** No-matches in a row, per intent block id. */
  noMatchCounts: Record<string, number>;
  /**
   * Answers in a row that did not fit, per wait block id. Optional: snapshots stored before typed
   * answers existed have none, and a flow without them never writes one.
   */
  invalidCounts?: Record<string, number>;
  /** Silences in a row, per wait block id (optional for the same reason). */
  silenceCounts?: Record<string, number>;
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
/** The tag of waiting states whose silence clock runs (a `noReply` block): their actor must stay. */
export const SILENCE_CLOCK_TAG = 'silenceClock';
/** The one event the machine takes from the user. */
export const USER_MESSAGE_EVENT = 'user.message';
/**
 * Sent by the runtime to an actor restored from a snapshot: a waiting state with a silence clock
 * enters itself again, so that its clock starts again (XState does not persist delayed events).
 */
export const RESUME_EVENT = 'conversation.resumed';
