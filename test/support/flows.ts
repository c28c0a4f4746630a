import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Flow } from '../../src/flow/types';

export const DEFAULT_FLOW_PATH = join(__dirname, '..', '..', 'flows', 'travel-assistant.json');

/** A fresh copy of the bundled default flow, safe to mutate. */
export function defaultFlow(): Flow {
  return JSON.parse(readFileSync(DEFAULT_FLOW_PATH, 'utf8')) as Flow;
}

/**
 * A pizza order that uses every block type and every new wait option: buttons with their own `next`,
 * a choice-only answer with invalid handling, a silence reprompt, a counter, a typed (integer)
 * answer, a condition on a stored number and on text, and an intent block after free text.
 */
export function pizzaFlow(overrides: { afterSeconds?: number } = {}): Flow {
  return {
    name: 'Pizza',
    start: 'welcome',
    blocks: [
      { id: 'welcome', type: 'message', text: 'Hi {{name|there}}! Small or large?', next: 'size' },
      {
        id: 'size',
        type: 'wait',
        saveAs: 'size',
        next: 'count',
        choices: [
          { label: 'Small', value: 'S' },
          { label: 'Large', value: 'L', next: 'upsell' },
        ],
        expect: { type: 'choice' },
        invalid: { text: 'Please pick Small or Large.', maxTries: 3, next: 'handoff' },
        noReply: { afterSeconds: overrides.afterSeconds ?? 60, text: 'Are you still there?', maxTimes: 2, next: 'goodbye' },
      },
      { id: 'upsell', type: 'message', text: 'Large, good choice.', next: 'count' },
      { id: 'count', type: 'set', assign: { orders: { add: ['{{orders|0}}', 1] }, summary: 'size {{size}}' }, next: 'qty' },
      {
        id: 'qty',
        type: 'wait',
        saveAs: 'qty',
        next: 'check',
        expect: { type: 'integer', min: 1, max: 10 },
        invalid: { text: 'From 1 to 10, please ({{lastMessage}} is not).', maxTries: 3, next: 'handoff' },
      },
      {
        id: 'check',
        type: 'condition',
        cases: [
          { when: { var: 'qty', op: 'gte', value: 5 }, next: 'party' },
          {
            when: {
              any: [
                { var: 'size', op: 'eq', value: 's' },
                { var: 'summary', op: 'matches', value: 'size l$' },
              ],
            },
            next: 'confirm',
          },
        ],
        else: 'handoff',
      },
      { id: 'party', type: 'message', text: '{{qty}} pizzas ({{summary}}): a party! Order {{orders}}.', next: 'more' },
      { id: 'confirm', type: 'message', text: '{{qty}} pizzas ({{summary}}). Order {{orders}}.', next: 'more' },
      { id: 'more', type: 'wait', saveAs: 'request', next: 'route' },
      {
        id: 'route',
        type: 'intent',
        intents: [
          { id: 'again', description: 'Order again', next: 'welcome' },
          { id: 'bye', description: 'Say goodbye', next: 'goodbye' },
        ],
        noMatch: 'more',
      },
      { id: 'handoff', type: 'end', text: 'Let me get a person.' },
      { id: 'goodbye', type: 'end', text: 'Bye!' },
    ],
  };
}
