import { createHash } from 'node:crypto';
import type { Block, Flow, IntentBlock } from './types';
import {
  type ActionRef,
  type MachineConfigJson,
  type StateJson,
  type TransitionJson,
  USER_MESSAGE_EVENT,
  WAITING_TAG,
} from './machine-config';

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
}

/**
 * Compiles a valid flow (see validateFlow) into an XState v5 machine config: one state per block, named
 * by its id. A pure function: same flow in, same JSON out; no I/O, no shared state.
 */
export function compileFlow(flow: Flow): CompiledFlow {
  const states: Record<string, StateJson> = {};
  const intentBlocks = new Map<string, IntentBlockInfo>();
  for (const block of flow.blocks) {
    states[block.id] = compileBlock(block);
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

function step(from: string, to: string, event: string): ActionRef {
  return { type: 'step', params: { from, to, event } };
}

function go(from: string, to: string, event: string, extra: ActionRef[] = []): TransitionJson {
  return { target: to, actions: [...extra, step(from, to, event)] };
}

function compileBlock(block: Block): StateJson {
  switch (block.type) {
    case 'message':
      return {
        entry: [{ type: 'say', params: { blockId: block.id, text: block.text } }],
        always: go(block.id, block.next, 'next'),
      };
    case 'wait':
      return {
        tags: [WAITING_TAG],
        on: {
          [USER_MESSAGE_EVENT]: go(block.id, block.next, USER_MESSAGE_EVENT, [
            { type: 'saveReply', params: { saveAs: block.saveAs ?? null } },
          ]),
        },
      };
    case 'intent':
      return compileIntent(block);
    case 'end':
      return {
        type: 'final',
        ...(block.text !== undefined ? { entry: [{ type: 'say', params: { blockId: block.id, text: block.text } }] } : {}),
      };
  }
}

function compileIntent(block: IntentBlock): StateJson {
  const onDone: TransitionJson[] = block.intents.map((intent) => ({
    guard: { type: 'intentIs', params: { intent: intent.id } },
    ...go(block.id, intent.next, 'intent.matched'),
  }));
  if (block.maxNoMatch !== undefined && block.onMaxNoMatch !== undefined) {
    onDone.push({
      guard: { type: 'noMatchLimitReached', params: { blockId: block.id, max: block.maxNoMatch } },
      ...go(block.id, block.onMaxNoMatch, 'intent.maxNoMatch'),
    });
  }
  onDone.push(go(block.id, block.noMatch, 'intent.noMatch'));
  return {
    invoke: {
      id: `detect-${block.id}`,
      src: 'detectIntent',
      input: { blockId: block.id },
      onDone,
      onError: go(block.id, block.onError ?? block.noMatch, 'intent.error'),
    },
  };
}
