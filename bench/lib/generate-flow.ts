import type { Block, Flow } from '../../src/flow/types';

/**
 * A valid flow of exactly `size` blocks: a chain of units (message → wait → intent), where each intent
 * block goes on to the next unit or back to its own message on no match, then one end block. Extra
 * blocks (when size - 1 is not a multiple of 3) are messages at the head of the chain.
 */
export function generateFlow(size: number): Flow {
  if (size < 4) throw new RangeError('a generated flow needs at least 4 blocks');
  const units = Math.floor((size - 1) / 3);
  const padding = size - 1 - units * 3;
  const blocks: Block[] = [];
  const unitStart = (k: number): string => (k < units ? `m${k}` : 'end');
  for (let p = 0; p < padding; p += 1) {
    blocks.push({ id: `pad${p}`, type: 'message', text: `Intro ${p} for {{name}}.`, next: p + 1 < padding ? `pad${p + 1}` : unitStart(0) });
  }
  for (let k = 0; k < units; k += 1) {
    const next = unitStart(k + 1);
    blocks.push({ id: `m${k}`, type: 'message', text: `Step ${k}: yes, no or later, {{name}}?`, next: `w${k}` });
    blocks.push({ id: `w${k}`, type: 'wait', saveAs: 'name', next: `i${k}` });
    blocks.push({
      id: `i${k}`,
      type: 'intent',
      intents: [
        { id: 'yes', description: 'The user agrees', examples: ['yes', 'sure, go ahead'], next },
        { id: 'no', description: 'The user declines', examples: ['no', 'not now'], next },
        { id: 'later', description: 'The user wants to come back later', next },
      ],
      noMatch: `m${k}`,
      maxNoMatch: 3,
      onMaxNoMatch: 'end',
    });
  }
  blocks.push({ id: 'end', type: 'end', text: 'Done.' });
  return { name: `Generated ${size}`, start: blocks[0]?.id ?? 'end', blocks };
}
