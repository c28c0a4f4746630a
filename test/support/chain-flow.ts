import type { Block, Flow } from '../../src/flow/types';

/**
 * A long flow for diagram tests: `stages` stages of message -> wait -> intent ("next" goes on to the
 * next stage, "stop" to the one end block, anything else repeats the stage): 3 * stages + 1 blocks.
 */
export function chainFlow(stages: number): Flow {
  const blocks: Block[] = [];
  for (let i = 0; i < stages; i++) {
    blocks.push({ id: `m${i}`, type: 'message', text: `Step ${i + 1} of ${stages}. Say next to go on, or stop.`, next: `w${i}` });
    blocks.push({ id: `w${i}`, type: 'wait', next: `r${i}` });
    blocks.push({
      id: `r${i}`,
      type: 'intent',
      intents: [
        {
          id: 'next',
          description: 'go on to the next step',
          examples: ['next', 'go on', 'continue'],
          next: i + 1 < stages ? `m${i + 1}` : 'done',
        },
        { id: 'stop', description: 'stop here', examples: ['stop', 'quit', 'bye'], next: 'done' },
      ],
      noMatch: `m${i}`,
    });
  }
  blocks.push({ id: 'done', type: 'end', text: 'Done. Bye!' });
  return { name: `Chain of ${stages} stages`, start: 'm0', blocks };
}
