import { createHash } from 'node:crypto';
import { type BlockEdge, outgoingEdges } from './edges';
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

/** The transition that takes one edge, with the event name its `step` reports. */
function take(block: Block, edge: BlockEdge): TransitionJson {
  switch (edge.kind) {
    case 'next':
      return block.type === 'wait'
        ? go(block.id, edge.to, USER_MESSAGE_EVENT, [{ type: 'saveReply', params: { saveAs: block.saveAs ?? null } }])
        : go(block.id, edge.to, 'next');
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
      return go(block.id, edge.to, 'intent.error');
  }
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
      return { tags: [WAITING_TAG], on: { [USER_MESSAGE_EVENT]: required(block, edges[0]) } };
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
    case 'end':
      return {
        type: 'final',
        ...(block.text !== undefined ? { entry: [{ type: 'say', params: { blockId: block.id, text: block.text } }] } : {}),
      };
  }
}
