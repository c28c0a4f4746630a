import type { Block, Flow } from '../../src/flow/types';
import { validateFlow } from '../../src/flow/validate';
import { pizzaFlow } from '../support/flows';

function flowOf(blocks: unknown[]): Flow {
  return { name: 't', start: (blocks[0] as Block).id, blocks: blocks as Block[] };
}
const problems = (flow: unknown, kind: 'errors' | 'warnings' = 'errors'): Array<[string, string]> =>
  validateFlow(flow)[kind].map((p) => [p.path, p.code]);

describe('validateFlow: the second edition', () => {
  it('accepts a flow that uses every block', () => {
    const result = validateFlow(pizzaFlow());
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('invalid_regex: patterns compile as the runtime compiles them (Unicode mode)', () => {
    const flow = flowOf([
      { id: 'ask', type: 'wait', next: 'check', expect: { type: 'pattern', pattern: '([a-z' } },
      {
        id: 'check',
        type: 'condition',
        cases: [{ when: { not: { var: 'x', op: 'matches', value: '{{name}}' } }, next: 'done' }],
        else: 'done',
      },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual([
      ['/blocks/0/expect/pattern', 'invalid_regex'],
      ['/blocks/1/cases/0/when/not/value', 'invalid_regex'],
    ]);
  });

  it('unsafe_regex: catastrophic backtracking found by the ReDoS checker; quadratic patterns pass', () => {
    const flow = flowOf([
      { id: 'ask', type: 'wait', next: 'check', expect: { type: 'pattern', pattern: '^(a+)+$' } },
      {
        id: 'check',
        type: 'condition',
        cases: [
          {
            when: {
              all: [
                { var: 'x', op: 'matches', value: '^(\\w+\\s?)*$' },
                { var: 'x', op: 'matches', value: '\\d+\\.\\d+' },
              ],
            },
            next: 'done',
          },
          { when: { var: 'x', op: 'matches', value: 'a.*b.*c' }, next: 'done' },
        ],
        else: 'done',
      },
      { id: 'done', type: 'end' },
    ]);
    const result = validateFlow(flow);
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['/blocks/0/expect/pattern', 'unsafe_regex'],
      ['/blocks/1/cases/0/when/all/0/value', 'unsafe_regex'],
      ['/blocks/1/cases/1/when/value', 'unsafe_regex'],
    ]);
    expect(result.errors[0]!.message).toMatch(/exponential/);
    expect(result.errors[2]!.message).toMatch(/polynomial \(degree 3\)/);
  });

  it('duplicate_choice: two choices picked by the same text, by label or value, ignoring case and spaces', () => {
    const flow = flowOf([
      {
        id: 'ask',
        type: 'wait',
        next: 'done',
        choices: [{ label: 'Yes', value: 'Y' }, { label: ' yes ' }, { label: 'Maybe', value: 'y' }, { label: 'No', value: 'no' }],
      },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual([
      ['/blocks/0/choices/1/label', 'duplicate_choice'],
      ['/blocks/0/choices/2/value', 'duplicate_choice'],
    ]);
  });

  it('reports shape problems of the new blocks with pointers', () => {
    const flow = flowOf([
      { id: 'ask', type: 'wait', next: 'check', expect: { type: 'choice', min: 1 }, noReply: { afterSeconds: 0 }, invalid: { tries: 2 } },
      {
        id: 'check',
        type: 'condition',
        cases: [
          { when: { var: 'x', op: 'isSet', value: 1 }, next: 'count' },
          { when: { var: 'x', op: 'gt' }, next: 'count' },
          { when: { foo: 1 }, next: 'count' },
        ],
      },
      { id: 'count', type: 'set', assign: { '1x': 1, lastMessage: 'x', ok: { add: [1] } }, next: 'done' },
      { id: 'bounds', type: 'wait', next: 'done', expect: { type: 'integer', min: 5, max: 1 }, choices: [{ label: '  ' }] },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual(
      expect.arrayContaining([
        ['/blocks/0/choices', 'missing_property'],
        ['/blocks/0/expect/min', 'unknown_property'],
        ['/blocks/0/noReply/afterSeconds', 'out_of_range'],
        ['/blocks/0/invalid/tries', 'unknown_property'],
        ['/blocks/1/else', 'missing_property'],
        ['/blocks/1/cases/0/when/value', 'unknown_property'],
        ['/blocks/1/cases/1/when/value', 'missing_property'],
        ['/blocks/1/cases/2/when/foo', 'unknown_property'],
        ['/blocks/2/assign/1x', 'invalid_format'],
        ['/blocks/2/assign/ok/add', 'too_few_items'],
        ['/blocks/2/assign/lastMessage', 'reserved_variable'],
        ['/blocks/3/choices/0/label', 'invalid_format'],
        ['/blocks/3/expect/min', 'invalid_value'],
      ]),
    );
  });

  it('unknown_block for every new reference: choices, invalid, noReply, cases, else', () => {
    const flow = flowOf([
      {
        id: 'ask',
        type: 'wait',
        next: 'check',
        choices: [{ label: 'A', next: 'nowhere1' }],
        expect: { type: 'number' },
        invalid: { next: 'nowhere2' },
        noReply: { afterSeconds: 5, next: 'nowhere3' },
      },
      { id: 'check', type: 'condition', cases: [{ when: { var: 'x', op: 'isSet' }, next: 'nowhere4' }], else: 'nowhere5' },
      { id: 'count', type: 'set', assign: { a: 1 }, next: 'nowhere6' },
    ]);
    expect(problems(flow).filter(([, code]) => code === 'unknown_block')).toEqual([
      ['/blocks/0/choices/0/next', 'unknown_block'],
      ['/blocks/0/invalid/next', 'unknown_block'],
      ['/blocks/0/noReply/next', 'unknown_block'],
      ['/blocks/1/cases/0/next', 'unknown_block'],
      ['/blocks/1/else', 'unknown_block'],
      ['/blocks/2/next', 'unknown_block'],
    ]);
  });

  it('unknown_block for invalid.next even where it is never taken (a wait that takes any text)', () => {
    const flow = flowOf([
      { id: 'ask', type: 'wait', next: 'done', invalid: { text: 'never said', next: 'nowhere' } },
      { id: 'again', type: 'wait', next: 'done', expect: { type: 'text' }, invalid: { next: 'done' } },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual([['/blocks/0/invalid/next', 'unknown_block']]);
  });

  it('maxNoMatch 1: the first no-match takes onMaxNoMatch, so noMatch is no way out (but still a reference)', () => {
    const route = (fields: Record<string, unknown>): Record<string, unknown> => ({
      id: 'route',
      type: 'intent',
      intents: [{ id: 'yes', description: 'agrees', next: 'done' }],
      noMatch: 'again',
      maxNoMatch: 1,
      onMaxNoMatch: 'done',
      ...fields,
    });
    const flow = (fields: Record<string, unknown>): Flow =>
      flowOf([
        { id: 'ask', type: 'wait', next: 'route' },
        route(fields),
        // Only noMatch leads here, and back: neither a loop without a wait nor reachable.
        { id: 'again', type: 'message', text: 'Once more?', next: 'route' },
        { id: 'done', type: 'end' },
      ]);
    const result = validateFlow(flow({ onError: 'done' }));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => [w.path, w.code])).toEqual([['/blocks/2', 'unreachable_block']]);
    // Without onError, a failed detection goes to noMatch: then it is a way out, and the loop is one.
    expect(problems(flow({}))).toEqual([['/blocks/1', 'loop_without_wait']]);
    expect(problems(flow({ onError: 'done', noMatch: 'nowhere' }))).toEqual([['/blocks/1/noMatch', 'unknown_block']]);
    expect(problems(flow({ onError: 'done', maxNoMatch: 2 }))).toEqual([['/blocks/1', 'loop_without_wait']]);
  });

  it('unknown_block for the next of a wait that expects a choice: only its choices use it, once each', () => {
    const flow = flowOf([
      { id: 'ask', type: 'wait', next: 'nowhere', choices: [{ label: 'A' }, { label: 'B' }], expect: { type: 'choice' } },
      { id: 'done', type: 'end' },
    ]);
    // Found by the flow fuzzer: this flow compiled into a machine xstate refused.
    expect(problems(flow).filter(([, code]) => code === 'unknown_block')).toEqual([['/blocks/0/next', 'unknown_block']]);
    const text = flowOf([
      { id: 'ask', type: 'wait', next: 'nowhere', choices: [{ label: 'A' }] },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(text).filter(([, code]) => code === 'unknown_block')).toEqual([['/blocks/0/next', 'unknown_block']]);
  });

  it('loop_without_wait counts condition and set blocks as blocks that do not wait', () => {
    const flow = flowOf([
      { id: 'count', type: 'set', assign: { n: { add: ['{{n|0}}', 1] } }, next: 'check' },
      { id: 'check', type: 'condition', cases: [{ when: { var: 'n', op: 'lt', value: 3 }, next: 'count' }], else: 'done' },
      { id: 'done', type: 'end' },
    ]);
    expect(validateFlow(flow).errors).toEqual([
      {
        path: '/blocks/0',
        code: 'loop_without_wait',
        message: 'blocks "count" → "check" → "count" form a loop with no wait block: the bot would never stop',
      },
    ]);
  });

  it('intent_before_wait: a silence brings no message, so an intent block after noReply.next has nothing to classify', () => {
    const intent = { id: 'route', type: 'intent', intents: [{ id: 'yes', description: 'agrees', next: 'done' }], noMatch: 'done' };
    const silentFirst = flowOf([
      { id: 'ask', type: 'wait', next: 'route', noReply: { afterSeconds: 30, next: 'nudge' } },
      { id: 'nudge', type: 'message', text: 'Still there?', next: 'route' },
      intent,
      { id: 'done', type: 'end' },
    ]);
    expect(validateFlow(silentFirst).errors).toEqual([
      {
        path: '/blocks/2',
        code: 'intent_before_wait',
        message:
          'intent block "route" can be reached from the start before the user has sent a message (a silence sends none): there is nothing to classify',
      },
    ]);
    // Two silent waits in a row are still no message.
    const twoSilences = flowOf([
      { id: 'ask', type: 'wait', next: 'done', noReply: { afterSeconds: 30, next: 'again' } },
      { id: 'again', type: 'wait', next: 'done', noReply: { afterSeconds: 30, maxTimes: 2, next: 'route' } },
      intent,
      { id: 'done', type: 'end' },
    ]);
    expect(problems(twoSilences)).toEqual([['/blocks/2', 'intent_before_wait']]);
    // A silence after the user has written once is fine: there is a last message to classify.
    const answeredFirst = flowOf([
      { id: 'first', type: 'wait', next: 'ask' },
      { id: 'ask', type: 'wait', next: 'route', noReply: { afterSeconds: 30, next: 'route' } },
      intent,
      { id: 'done', type: 'end' },
    ]);
    expect(problems(answeredFirst)).toEqual([]);
    // A misfit is a message: invalid.next may lead to an intent block.
    const misfit = flowOf([
      { id: 'ask', type: 'wait', next: 'done', expect: { type: 'number' }, invalid: { maxTries: 1, next: 'route' } },
      intent,
      { id: 'done', type: 'end' },
    ]);
    expect(problems(misfit)).toEqual([]);
  });

  it('refuses a secret in a text the bot says', () => {
    const flow = flowOf([
      { id: 'hi', type: 'message', text: 'token {{secret.TOKEN}}', next: 'done' },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual([['/blocks/0/text', 'secret_outside_http']]);
  });

  it('checks placeholders in every template: reprompts, set values, condition values', () => {
    const flow = flowOf([
      {
        id: 'ask',
        type: 'wait',
        saveAs: 'a',
        next: 'count',
        expect: { type: 'number' },
        invalid: { text: 'no {{a' },
        noReply: { afterSeconds: 9, text: '{{b}' },
      },
      { id: 'count', type: 'set', assign: { c: 'x }}', d: { add: ['{{}}', 1] } }, next: 'check' },
      { id: 'check', type: 'condition', cases: [{ when: { var: 'a', op: 'eq', value: '{{a' }, next: 'done' }], else: 'done' },
      { id: 'done', type: 'end' },
    ]);
    expect(problems(flow)).toEqual([
      ['/blocks/0/invalid/text', 'invalid_template'],
      ['/blocks/0/noReply/text', 'invalid_template'],
      ['/blocks/1/assign/c', 'invalid_template'],
      ['/blocks/1/assign/d/add/0', 'invalid_template'],
      ['/blocks/2/cases/0/when/value', 'invalid_template'],
    ]);
  });
});

describe('variable_maybe_unset, a dataflow warning', () => {
  const warnings = (blocks: unknown[]): Array<[string, string]> =>
    problems(flowOf(blocks), 'warnings').filter(([, code]) => code === 'variable_maybe_unset' || code === 'unknown_variable');

  it('warns where some path from the start reaches a use without setting the variable', () => {
    expect(
      warnings([
        { id: 'ask', type: 'wait', next: 'check', choices: [{ label: 'Skip', next: 'show' }] },
        { id: 'check', type: 'set', assign: { name: 'Ada' }, next: 'show' },
        { id: 'show', type: 'message', text: 'Hi {{name}}', next: 'done' },
        { id: 'done', type: 'end' },
      ]),
    ).toEqual([['/blocks/2/text', 'variable_maybe_unset']]);
  });

  it('is quiet when every path sets it, when there is a fallback, for builtins and for isSet/isEmpty', () => {
    expect(
      warnings([
        { id: 'ask', type: 'wait', saveAs: 'x', next: 'check' },
        { id: 'check', type: 'condition', cases: [{ when: { var: 'y', op: 'isSet' }, next: 'show' }], else: 'count' },
        { id: 'count', type: 'set', assign: { y: '{{x}}', z: '{{y}}' }, next: 'show' },
        { id: 'show', type: 'message', text: '{{x}} {{y|none}} {{lastMessage}} {{intent}}', next: 'done' },
        { id: 'done', type: 'end' },
      ]),
    ).toEqual([]);
  });

  it('a condition case that holds proves what it tests: isSet, not isEmpty, numbers, non-blank literals', () => {
    const cases = [
      { when: { var: 'a', op: 'isSet' }, next: 'show' },
      { when: { not: { var: 'a', op: 'isEmpty' } }, next: 'show' },
      { when: { var: 'a', op: 'gte', value: 18 }, next: 'show' },
      {
        when: {
          all: [
            { var: 'b', op: 'isSet' },
            { var: 'a', op: 'eq', value: 'Paris' },
          ],
        },
        next: 'show',
      },
      {
        when: {
          any: [
            { var: 'a', op: 'startsWith', value: 'x' },
            { var: 'a', op: 'lt', value: 0 },
          ],
        },
        next: 'show',
      },
    ];
    const flowWith = (when: unknown, text = 'Hi {{a}}'): Array<[string, string]> =>
      warnings([
        { id: 'ask', type: 'wait', next: 'maybe', choices: [{ label: 'Skip', next: 'check' }] },
        { id: 'maybe', type: 'set', assign: { a: '{{lastMessage}}', b: 1 }, next: 'check' },
        { id: 'check', type: 'condition', cases: [{ when, next: 'show' }], else: 'done' },
        { id: 'show', type: 'message', text, next: 'done' },
        { id: 'done', type: 'end' },
      ]).filter(([path]) => path === '/blocks/3/text');
    for (const { when } of cases) expect([when, flowWith(when)]).toEqual([when, []]);
    // What an unset variable can pass proves nothing: ne, a blank or templated value, matches, not isSet, any with one part silent.
    for (const when of [
      { var: 'a', op: 'ne', value: 'x' },
      { var: 'a', op: 'eq', value: ' ' },
      { var: 'a', op: 'eq', value: '{{b}}' },
      { var: 'a', op: 'matches', value: '^$' },
      { not: { var: 'a', op: 'isSet' } },
      {
        any: [
          { var: 'a', op: 'isSet' },
          { var: 'b', op: 'isSet' },
        ],
      },
      { var: 'b', op: 'isSet' },
    ]) {
      expect([when, flowWith(when)]).toEqual([when, [['/blocks/3/text', 'variable_maybe_unset']]]);
    }
    // Only the case that held: `else` proves nothing.
    expect(
      warnings([
        { id: 'ask', type: 'wait', next: 'check', choices: [{ label: 'Skip', next: 'check' }], saveAs: 'x' },
        { id: 'check', type: 'condition', cases: [{ when: { var: 'a', op: 'isSet' }, next: 'done' }], else: 'show' },
        { id: 'maybe', type: 'set', assign: { a: 1 }, next: 'show' },
        { id: 'show', type: 'message', text: '{{a}}', next: 'done' },
        { id: 'done', type: 'end' },
      ]).filter(([, code]) => code === 'variable_maybe_unset'),
    ).toEqual([['/blocks/3/text', 'variable_maybe_unset']]);
  });

  it('a wait block sets saveAs on choices and fitting answers, not on a misfit or a silence', () => {
    expect(
      warnings([
        {
          id: 'ask',
          type: 'wait',
          saveAs: 'n',
          next: 'show',
          expect: { type: 'number' },
          invalid: { maxTries: 2, next: 'sorry' },
          noReply: { afterSeconds: 5, next: 'sorry' },
        },
        { id: 'show', type: 'message', text: 'got {{n}}', next: 'done' },
        { id: 'sorry', type: 'message', text: 'no {{n}}', next: 'done' },
        { id: 'done', type: 'end' },
      ]),
    ).toEqual([['/blocks/2/text', 'variable_maybe_unset']]);
  });

  it('within a set block, a value sees the assignments written before it', () => {
    expect(
      warnings([
        { id: 'count', type: 'set', assign: { b: '{{a}}', a: 1, c: { add: ['{{a}}', '{{b}}'] } }, next: 'done' },
        { id: 'done', type: 'end' },
      ]),
    ).toEqual([['/blocks/0/assign/b', 'variable_maybe_unset']]);
  });

  it('covers condition variables, and loops: set before the loop or inside on every path', () => {
    expect(
      warnings([
        { id: 'ask', type: 'wait', next: 'check' },
        { id: 'check', type: 'condition', cases: [{ when: { var: 'tries', op: 'gt', value: 2 }, next: 'done' }], else: 'count' },
        { id: 'count', type: 'set', assign: { tries: { add: ['{{tries|0}}', 1] } }, next: 'ask' },
        { id: 'done', type: 'end' },
      ]),
    ).toEqual([['/blocks/1/cases/0/when/var', 'variable_maybe_unset']]);
  });

  it('a variable no block sets is unknown_variable, not also maybe unset', () => {
    expect(
      warnings([
        { id: 'check', type: 'condition', cases: [{ when: { var: 'ghost', op: 'eq', value: 1 }, next: 'done' }], else: 'done' },
        { id: 'done', type: 'end', text: '{{ghost}}' },
      ]),
    ).toEqual([
      ['/blocks/0/cases/0/when/var', 'unknown_variable'],
      ['/blocks/1/text', 'unknown_variable'],
    ]);
  });

  it('stays linear enough on a 5,000-block chain', () => {
    const blocks: unknown[] = [];
    for (let i = 0; i < 2500; i++) {
      blocks.push({ id: `s${i}`, type: 'set', assign: { [`v${i % 50}`]: i }, next: `m${i}` });
      blocks.push({ id: `m${i}`, type: 'message', text: `{{v${(i + 1) % 50}}}`, next: i === 2499 ? 'done' : `s${i + 1}` });
    }
    blocks.push({ id: 'done', type: 'end' });
    const result = validateFlow(flowOf(blocks));
    expect(result.valid).toBe(true);
    // Only the first 49 messages read a variable before its first set.
    expect(result.warnings.filter((w) => w.code === 'variable_maybe_unset')).toHaveLength(49);
  });
});
