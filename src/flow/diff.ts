import { type BlockEdge, outgoingEdges } from './edges';
import { blockEntries, isRecord, stringField } from './document';
import type { Flow } from './types';

/** One transition: out of block `from`, taken `on` an event (see transitionEvent), into block `to`. */
export interface Transition {
  from: string;
  on: string;
  to: string;
}

/** What changed between two versions of a flow. */
export interface FlowDiff {
  /** Top-level properties other than `blocks` (`name`, `start`, `intents`, ...) that differ. */
  properties: string[];
  blocks: {
    added: string[];
    removed: string[];
    /** Blocks in both, with the fields (other than `id`) whose value differs. */
    changed: Array<{ id: string; fields: string[] }>;
  };
  transitions: {
    added: Transition[];
    removed: Transition[];
    /** The same way out of the same block, now leading elsewhere. */
    changed: Array<{ from: string; on: string; before: string; after: string }>;
  };
}

/**
 * What takes a transition, in words a person can match to the flow: `next`, `choice:<value>`,
 * `case:<index>`, `else`, `intent:<id>`, `noMatch`, `maxNoMatch`, `error`, `invalid`, `silence`,
 * `reprompt:invalid|silence`. A choice is named by its value, not its position, so that moving a
 * button is not reported as a change of every button after it.
 */
export function transitionEvent(edge: BlockEdge): string {
  switch (edge.kind) {
    case 'choice':
      return `choice:${edge.value}`;
    case 'case':
      return `case:${edge.index}`;
    case 'intent':
      return `intent:${edge.intentId}`;
    case 'reprompt':
      return `reprompt:${edge.cause}`;
    default:
      return edge.kind;
  }
}

/** JSON with object keys sorted: two values are equal exactly when their canonical texts are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function blocksById(flow: Flow): Map<string, Record<string, unknown>> {
  const blocks = new Map<string, Record<string, unknown>>();
  for (const { block } of blockEntries(flow)) {
    const id = stringField(block, 'id');
    if (id !== undefined) blocks.set(id, block);
  }
  return blocks;
}

/** Every transition of a flow by `from` and `on`; the rare repeat of a key gets `#2`, `#3`, ... */
function transitionsOf(blocks: Map<string, Record<string, unknown>>): Map<string, Transition> {
  const transitions = new Map<string, Transition>();
  for (const [from, block] of blocks) {
    for (const edge of outgoingEdges(block)) {
      const on = transitionEvent(edge);
      let key = `${from}\u0000${on}`;
      for (let n = 2; transitions.has(key); n++) key = `${from}\u0000${on}#${n}`;
      transitions.set(key, { from, on: key.slice(from.length + 1), to: edge.to });
    }
  }
  return transitions;
}

function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  fields.delete('id');
  return [...fields].filter((field) => canonical(before[field]) !== canonical(after[field])).sort();
}

/** Compares two valid flows: blocks by id, transitions by the block they leave and what takes them. */
export function diffFlows(before: Flow, after: Flow): FlowDiff {
  const oldBlocks = blocksById(before);
  const newBlocks = blocksById(after);
  const blocks: FlowDiff['blocks'] = { added: [], removed: [], changed: [] };
  for (const id of newBlocks.keys()) if (!oldBlocks.has(id)) blocks.added.push(id);
  for (const [id, block] of oldBlocks) {
    const now = newBlocks.get(id);
    if (!now) blocks.removed.push(id);
    else {
      const fields = changedFields(block, now);
      if (fields.length) blocks.changed.push({ id, fields });
    }
  }

  const oldTransitions = transitionsOf(oldBlocks);
  const newTransitions = transitionsOf(newBlocks);
  const transitions: FlowDiff['transitions'] = { added: [], removed: [], changed: [] };
  for (const [key, transition] of newTransitions) {
    const was = oldTransitions.get(key);
    if (!was) transitions.added.push(transition);
    else if (was.to !== transition.to)
      transitions.changed.push({ from: transition.from, on: transition.on, before: was.to, after: transition.to });
  }
  for (const [key, transition] of oldTransitions) if (!newTransitions.has(key)) transitions.removed.push(transition);

  const top = (flow: Flow): Record<string, unknown> => flow as unknown as Record<string, unknown>;
  const properties = changedFields({ ...top(before), blocks: null }, { ...top(after), blocks: null });
  return { properties, blocks, transitions };
}
