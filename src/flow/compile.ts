import { createHash } from 'node:crypto';
import { type BlockEdge, DEFAULT_MAX_SILENCES, outgoingEdges } from './edges';
import type { Block, ConditionBlock, Flow, HttpBlock, IntentBlock, WaitBlock } from './types';
import {
  type ActionRef,
  type JsonValue,
  type MachineConfigJson,
  RESUME_EVENT,
  SILENCE_CLOCK_TAG,
  type StateJson,
  type TransitionJson,
  USER_MESSAGE_EVENT,
  WAITING_TAG,
} from './machine-config';
import { defaultInvalidText } from './semantics';

/** What an intent block's detection needs at run time, precomputed once per flow version. */
export interface IntentBlockInfo {
  blockId: string;
  intents: IntentBlock['intents'];
  intentIds: ReadonlySet<string>;
  /** Content hash of the options: equal options share detector caches, changed ones never do. */
  cacheKey: string;
}

export interface CompiledFlow {
  flow: Flow;
  config: MachineConfigJson;
  intentBlocks: ReadonlyMap<string, IntentBlockInfo>;
  /** The http blocks by id: what their `callHttp` actor sends. */
  httpBlocks: ReadonlyMap<string, HttpBlock>;
}

/** The choices (buttons) a compiled flow offers where it waits at `blockId`; none for other blocks. */
export function choicesAt(compiled: CompiledFlow, blockId: string): ReadonlyArray<{ label: string; value: string }> {
  const state = Object.hasOwn(compiled.config.states, blockId) ? compiled.config.states[blockId] : undefined;
  return state?.meta?.choices ?? [];
}

/**
 * Compiles a valid flow (see validateFlow) into an XState v5 machine config: one state per block, named
 * by its id. A pure function: same flow in, same JSON out; no I/O, no shared state.
 */
export function compileFlow(flow: Flow): CompiledFlow {
  const states: Record<string, StateJson> = {};
  const intentBlocks = new Map<string, IntentBlockInfo>();
  const httpBlocks = new Map<string, HttpBlock>();
  for (const block of flow.blocks) {
    states[block.id] = compileBlock(block);
    if (block.type === 'http') httpBlocks.set(block.id, block);
    if (block.type === 'intent') {
      intentBlocks.set(block.id, {
        blockId: block.id,
        intents: block.intents,
        intentIds: new Set(block.intents.map((i) => i.id)),
        cacheKey: `${block.id}:${createHash('sha1').update(JSON.stringify(block.intents)).digest('base64url').slice(0, 16)}`,
      });
    }
  }
  return {
    flow,
    intentBlocks,
    httpBlocks,
    config: {
      id: 'flow',
      initial: flow.start,
      context: { variables: {}, noMatchCounts: {} },
      // Second line of defence behind the loop_without_wait rule: XState's default is unlimited, and an
      // eventless loop would hang the process. A turn passes each block at most once without waiting.
      options: { maxIterations: flow.blocks.length * 2 + 100 },
      states,
    },
  };
}

/** What the history records of a move: `from`, `to`, the event name, and which case or choice took it. */
function step(from: string, to: string, event: string, detail: Record<string, JsonValue> = {}): ActionRef {
  return { type: 'step', params: { from, to, event, ...detail } };
}

function go(from: string, to: string, event: string, extra: ActionRef[] = [], detail?: Record<string, JsonValue>): TransitionJson {
  return { target: to, actions: [...extra, step(from, to, event, detail)] };
}

/** A transition back into the same wait state: it exits and enters again, so its silence clock restarts. */
function again(block: WaitBlock, event: string, actions: ActionRef[]): TransitionJson {
  return { target: block.id, reenter: true, actions: [...actions, step(block.id, block.id, event)] };
}

function say(blockId: string, text: string): ActionRef {
  return { type: 'say', params: { blockId, text } };
}

/** The transition that takes one edge, with the event name its `step` reports. */
function take(block: Block, edge: BlockEdge): TransitionJson {
  switch (edge.kind) {
    case 'next':
      if (block.type === 'wait') return answer(block, edge.to);
      if (block.type === 'http') {
        return { guard: { type: 'httpSucceeded', params: {} }, ...go(block.id, edge.to, 'http.ok', [saveHttpResult(block)]) };
      }
      return go(block.id, edge.to, 'next');
    case 'choice': {
      const saveAs = block.type === 'wait' ? (block.saveAs ?? null) : null;
      return {
        guard: { type: 'choiceIs', params: { label: edge.label, value: edge.value } },
        ...go(block.id, edge.to, 'choice', [{ type: 'saveChoice', params: { blockId: block.id, saveAs, value: edge.value } }], {
          choice: edge.value,
        }),
      };
    }
    case 'invalid':
      return {
        guard: { type: 'invalidLimitReached', params: { blockId: block.id, max: edge.max } },
        ...go(block.id, edge.to, 'answer.maxTries', [
          { type: 'rejectAnswer', params: { blockId: block.id } },
          { type: 'clearCounts', params: { blockId: block.id } },
        ]),
      };
    case 'silence':
      return {
        guard: { type: 'silenceLimitReached', params: { blockId: block.id, max: edge.max } },
        ...go(block.id, edge.to, 'silence.maxTimes', [{ type: 'clearCounts', params: { blockId: block.id } }]),
      };
    case 'reprompt':
      return block.type === 'wait' ? reprompt(block, edge.cause) : go(block.id, edge.to, 'next');
    case 'case':
      return {
        guard: { type: 'caseHolds', params: { when: (block as ConditionBlock).cases[edge.index]?.when as unknown as JsonValue } },
        ...go(block.id, edge.to, 'condition.case', [], { case: edge.index }),
      };
    case 'else':
      return go(block.id, edge.to, 'condition.else');
    case 'intent':
      return { guard: { type: 'intentIs', params: { intent: edge.intentId } }, ...go(block.id, edge.to, 'intent.matched') };
    case 'maxNoMatch':
      return {
        guard: { type: 'noMatchLimitReached', params: { blockId: block.id, max: edge.max as number } },
        ...go(block.id, edge.to, 'intent.maxNoMatch'),
      };
    case 'noMatch':
      return go(block.id, edge.to, 'intent.noMatch');
    case 'error':
      return block.type === 'http' ? go(block.id, edge.to, 'http.error', [saveHttpResult(block)]) : go(block.id, edge.to, 'intent.error');
  }
}

/** Stores what an http call brought back (its `save` variables, `httpStatus`, `httpError`). */
function saveHttpResult(block: HttpBlock): ActionRef {
  return { type: 'saveHttpResult', params: { blockId: block.id } };
}

/** The transition of the one edge a compiled block needs; a valid flow always has it. */
function required(block: Block, edge: BlockEdge | undefined): TransitionJson {
  if (!edge) throw new Error(`block "${block.id}" has no way out: compileFlow takes valid flows only`);
  return take(block, edge);
}

function compileBlock(block: Block): StateJson {
  const edges = outgoingEdges(block);
  switch (block.type) {
    case 'message':
      return {
        entry: [{ type: 'say', params: { blockId: block.id, text: block.text } }],
        always: required(block, edges[0]),
      };
    case 'wait':
      return compileWait(block, edges);
    case 'condition':
      // Eventless and guarded: the first case that holds is taken at once; `else` has no guard.
      return { always: edges.map((edge) => take(block, edge)) };
    case 'set':
      return {
        entry: [{ type: 'assignVariables', params: { assign: block.assign as unknown as JsonValue } }],
        always: required(block, edges[0]),
      };
    case 'intent': {
      const onDone: TransitionJson[] = [];
      let onError: BlockEdge | undefined;
      for (const edge of edges) {
        if (edge.kind === 'error') onError = edge;
        // The schema requires maxNoMatch with onMaxNoMatch; a valid flow has no such edge without its count.
        else if (edge.kind !== 'maxNoMatch' || edge.max !== undefined) onDone.push(take(block, edge));
      }
      return {
        invoke: { id: `detect-${block.id}`, src: 'detectIntent', input: { blockId: block.id }, onDone, onError: required(block, onError) },
      };
    }
    case 'http': {
      const answered = edges.find((edge) => edge.kind === 'next');
      const failed = required(
        block,
        edges.find((edge) => edge.kind === 'error'),
      );
      // The call resolves with its outcome, never rejects for a failed call: a 2xx takes the guarded
      // `next`, anything else `onError`; a rejection (a bug) goes to `onError` too. Leaving the state
      // (a disconnect, a shutdown) stops the actor, whose AbortSignal ends the request.
      return {
        invoke: {
          id: `http-${block.id}`,
          src: 'callHttp',
          input: { blockId: block.id },
          onDone: [required(block, answered), failed],
          onError: failed,
        },
      };
    }
    case 'end':
      return {
        type: 'final',
        ...(block.text !== undefined ? { entry: [{ type: 'say', params: { blockId: block.id, text: block.text } }] } : {}),
      };
  }
}

/** The answer to a wait block: free text is saved as it is; a typed answer only when it fits, normalised. */
function answer(block: WaitBlock, to: string): TransitionJson {
  if (!block.expect || block.expect.type === 'text') {
    // A plain wait block compiles as it always has (its actions carry no block id).
    const params: Record<string, JsonValue> =
      block.choices || block.noReply ? { saveAs: block.saveAs ?? null, blockId: block.id } : { saveAs: block.saveAs ?? null };
    return go(block.id, to, USER_MESSAGE_EVENT, [{ type: 'saveReply', params }]);
  }
  const expect = block.expect as unknown as JsonValue;
  return {
    guard: { type: 'answerFits', params: { expect } },
    ...go(block.id, to, USER_MESSAGE_EVENT, [{ type: 'saveAnswer', params: { blockId: block.id, saveAs: block.saveAs ?? null, expect } }]),
  };
}

function reprompt(block: WaitBlock, cause: 'invalid' | 'silence'): TransitionJson {
  if (cause === 'invalid') {
    const text = block.invalid?.text ?? defaultInvalidText(block.expect ?? { type: 'text' }, block.choices);
    return again(block, 'answer.invalid', [{ type: 'rejectAnswer', params: { blockId: block.id } }, say(block.id, text)]);
  }
  const text = block.noReply?.text;
  return again(block, 'silence', [
    { type: 'noteSilence', params: { blockId: block.id } },
    ...(text !== undefined ? [say(block.id, text)] : []),
  ]);
}

/**
 * A wait state: the `user.message` transitions are tried in edge order (choices, the answer, the
 * `maxTries`-th misfit, the reprompt); a `noReply` adds a delayed (`after`) transition list, a tag that
 * tells the runtime its clock runs, and a transition that restarts the clock on a resume.
 */
function compileWait(block: WaitBlock, edges: BlockEdge[]): StateJson {
  if (!block.choices && !block.expect && !block.noReply) {
    return { tags: [WAITING_TAG], on: { [USER_MESSAGE_EVENT]: required(block, edges[0]) } };
  }
  const onMessage: TransitionJson[] = [];
  const onSilence: TransitionJson[] = [];
  for (const edge of edges) {
    const silent = edge.kind === 'silence' || (edge.kind === 'reprompt' && edge.cause === 'silence');
    (silent ? onSilence : onMessage).push(take(block, edge));
  }
  const state: StateJson = { tags: [WAITING_TAG], on: { [USER_MESSAGE_EVENT]: onMessage } };
  if (block.choices) {
    const choices = block.choices.map((c) => ({ label: c.label, value: c.value ?? c.label }));
    // `choicesOnly`: free text is not an answer here (a client may hide its text box).
    state.meta = block.expect?.type === 'choice' ? { choices, choicesOnly: true } : { choices };
  }
  const noReply = block.noReply;
  if (noReply) {
    if (noReply.next === undefined) {
      // No way out: after `maxTimes` reprompts the next silence is taken by this guard and does nothing,
      // which stops the clock until the user writes again.
      onSilence.unshift({
        guard: { type: 'silenceLimitReached', params: { blockId: block.id, max: (noReply.maxTimes ?? DEFAULT_MAX_SILENCES) + 1 } },
        actions: [],
      });
    }
    state.tags = [WAITING_TAG, SILENCE_CLOCK_TAG];
    state.after = { [String(noReply.afterSeconds * 1000)]: onSilence };
    (state.on as Record<string, TransitionJson>)[RESUME_EVENT] = { target: block.id, reenter: true, actions: [] };
  }
  return state;
}
