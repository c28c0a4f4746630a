import type { Flow } from '../../../src/flow/types';

/**
 * A flow whose every answer says which turn it is: after the welcome, each message gets
 * `<n>: <text>` with n counted in the conversation's own variables, until "bye". Across instances
 * a duplicated, lost or reordered turn shows in the numbers.
 */
export function counterFlow(name = 'Counter'): Flow {
  return {
    name,
    start: 'hello',
    blocks: [
      { id: 'hello', type: 'message', text: `${name}: say anything.`, next: 'ask' },
      { id: 'ask', type: 'wait', saveAs: 'said', next: 'check' },
      { id: 'check', type: 'condition', cases: [{ when: { var: 'said', op: 'eq', value: 'bye' }, next: 'done' }], else: 'count' },
      { id: 'count', type: 'set', assign: { n: { add: ['{{n|0}}', 1] } }, next: 'reply' },
      { id: 'reply', type: 'message', text: '{{n}}: {{said}}', next: 'ask' },
      { id: 'done', type: 'end', text: 'Bye after {{n|0}}.' },
    ],
  };
}
