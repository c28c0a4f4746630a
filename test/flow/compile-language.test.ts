import { createMachine } from 'xstate';
import { compileFlow } from '../../src/flow/compile';
import { toJavaScript, toMermaid } from '../../src/flow/export';
import type { Block, Flow } from '../../src/flow/types';
import { defaultFlow, pizzaFlow } from '../support/flows';

function stateOf(blocks: Block[], id: string): unknown {
  const flow: Flow = { name: 't', start: blocks[0]!.id, blocks };
  return compileFlow(flow).config.states[id];
}

const end: Block = { id: 'done', type: 'end' };

describe('compileFlow: the second edition blocks', () => {
  it('condition: guarded eventless transitions, one per case in order, then else', () => {
    const when = { var: 'age', op: 'gte', value: 18 } as const;
    expect(
      stateOf(
        [{ id: 'check', type: 'condition', cases: [{ when, next: 'done' }], else: 'other' }, end, { id: 'other', type: 'end' }],
        'check',
      ),
    ).toEqual({
      always: [
        {
          guard: { type: 'caseHolds', params: { when } },
          target: 'done',
          actions: [{ type: 'step', params: { from: 'check', to: 'done', event: 'condition.case', case: 0 } }],
        },
        { target: 'other', actions: [{ type: 'step', params: { from: 'check', to: 'other', event: 'condition.else' } }] },
      ],
    });
  });

  it('set: assign with params on entry, then on at once', () => {
    const assign = { tries: { add: ['{{tries|0}}', 1] as [string, number] }, vip: true };
    expect(stateOf([{ id: 'count', type: 'set', assign, next: 'done' }, end], 'count')).toEqual({
      entry: [{ type: 'assignVariables', params: { assign } }],
      always: { target: 'done', actions: [{ type: 'step', params: { from: 'count', to: 'done', event: 'next' } }] },
    });
  });

  it('a plain wait block compiles exactly as before', () => {
    expect(stateOf([{ id: 'ask', type: 'wait', saveAs: 'x', next: 'done' }, end], 'ask')).toEqual({
      tags: ['waiting'],
      on: {
        'user.message': {
          target: 'done',
          actions: [
            { type: 'saveReply', params: { saveAs: 'x' } },
            { type: 'step', params: { from: 'ask', to: 'done', event: 'user.message' } },
          ],
        },
      },
    });
  });

  it('wait with choices: guarded user.message transitions per choice, free text last, choices in meta', () => {
    const state = stateOf(
      [
        {
          id: 'ask',
          type: 'wait',
          next: 'done',
          choices: [
            { label: 'Small', value: 'S' },
            { label: 'Large', next: 'big' },
          ],
        },
        end,
        { id: 'big', type: 'end' },
      ],
      'ask',
    ) as { on: Record<string, unknown[]>; meta: unknown };
    expect(state.meta).toEqual({
      choices: [
        { label: 'Small', value: 'S' },
        { label: 'Large', value: 'Large' },
      ],
    });
    expect(state.on['user.message']).toEqual([
      {
        guard: { type: 'choiceIs', params: { label: 'Small', value: 'S' } },
        target: 'done',
        actions: [
          { type: 'saveChoice', params: { blockId: 'ask', saveAs: null, value: 'S' } },
          { type: 'step', params: { from: 'ask', to: 'done', event: 'choice', choice: 'S' } },
        ],
      },
      {
        guard: { type: 'choiceIs', params: { label: 'Large', value: 'Large' } },
        target: 'big',
        actions: [
          { type: 'saveChoice', params: { blockId: 'ask', saveAs: null, value: 'Large' } },
          { type: 'step', params: { from: 'ask', to: 'big', event: 'choice', choice: 'Large' } },
        ],
      },
      {
        target: 'done',
        actions: [
          { type: 'saveReply', params: { saveAs: null, blockId: 'ask' } },
          { type: 'step', params: { from: 'ask', to: 'done', event: 'user.message' } },
        ],
      },
    ]);
  });

  it('wait with a typed answer: fits, maxTries reached, reprompt that re-enters the state', () => {
    const expect_ = { type: 'integer' as const, min: 1 };
    const state = stateOf(
      [
        { id: 'qty', type: 'wait', saveAs: 'qty', next: 'done', expect: expect_, invalid: { maxTries: 2, next: 'help' } },
        end,
        { id: 'help', type: 'end' },
      ],
      'qty',
    ) as { on: Record<string, unknown[]> };
    expect(state.on['user.message']).toEqual([
      {
        guard: { type: 'answerFits', params: { expect: expect_ } },
        target: 'done',
        actions: [
          { type: 'saveAnswer', params: { blockId: 'qty', saveAs: 'qty', expect: expect_ } },
          { type: 'step', params: { from: 'qty', to: 'done', event: 'user.message' } },
        ],
      },
      {
        guard: { type: 'invalidLimitReached', params: { blockId: 'qty', max: 2 } },
        target: 'help',
        actions: [
          { type: 'rejectAnswer', params: { blockId: 'qty' } },
          { type: 'clearCounts', params: { blockId: 'qty' } },
          { type: 'step', params: { from: 'qty', to: 'help', event: 'answer.maxTries' } },
        ],
      },
      {
        target: 'qty',
        reenter: true,
        actions: [
          { type: 'rejectAnswer', params: { blockId: 'qty' } },
          { type: 'say', params: { blockId: 'qty', text: 'Please answer with a whole number of at least 1.' } },
          { type: 'step', params: { from: 'qty', to: 'qty', event: 'answer.invalid' } },
        ],
      },
    ]);
  });

  it('noReply: a delayed transition list, a clock tag, and a re-entry on resume', () => {
    const state = stateOf(
      [
        { id: 'ask', type: 'wait', next: 'done', noReply: { afterSeconds: 60, text: 'Still there?', maxTimes: 2, next: 'bye' } },
        end,
        { id: 'bye', type: 'end' },
      ],
      'ask',
    ) as Record<string, unknown>;
    expect(state.tags).toEqual(['waiting', 'silenceClock']);
    expect(state.after).toEqual({
      '60000': [
        {
          guard: { type: 'silenceLimitReached', params: { blockId: 'ask', max: 2 } },
          target: 'bye',
          actions: [
            { type: 'clearCounts', params: { blockId: 'ask' } },
            { type: 'step', params: { from: 'ask', to: 'bye', event: 'silence.maxTimes' } },
          ],
        },
        {
          target: 'ask',
          reenter: true,
          actions: [
            { type: 'noteSilence', params: { blockId: 'ask' } },
            { type: 'say', params: { blockId: 'ask', text: 'Still there?' } },
            { type: 'step', params: { from: 'ask', to: 'ask', event: 'silence' } },
          ],
        },
      ],
    });
    expect((state.on as Record<string, unknown>)['conversation.resumed']).toEqual({ target: 'ask', reenter: true, actions: [] });
  });

  it('noReply without next: the silence after maxTimes reprompts is taken by a no-op, which stops the clock', () => {
    const state = stateOf([{ id: 'ask', type: 'wait', next: 'done', noReply: { afterSeconds: 5, text: 'Hello?' } }, end], 'ask') as {
      after: Record<string, Array<Record<string, unknown>>>;
    };
    expect(state.after['5000']![0]).toEqual({ guard: { type: 'silenceLimitReached', params: { blockId: 'ask', max: 2 } }, actions: [] });
    expect(state.after['5000']![1]!.reenter).toBe(true);
  });

  it('compiles an old flow to the same config as before: no new context fields', () => {
    expect(compileFlow(defaultFlow()).config.context).toEqual({ variables: {}, noMatchCounts: {} });
  });

  it('every new block is accepted by createMachine and exports to JS and Mermaid', () => {
    const compiled = compileFlow(pizzaFlow());
    expect(createMachine(compiled.config as never).id).toBe('flow');
    expect(toJavaScript(compiled)).toContain('"silenceLimitReached"');
    const mermaid = toMermaid(compiled);
    expect(mermaid).toContain('b1 --> b3 : choice "Small"');
    expect(mermaid).toContain('b1 --> b2 : choice "Large"');
    expect(mermaid).toContain('b1 --> b10 : 3 invalid answers');
    expect(mermaid).toContain('b1 --> b1 : invalid answer / silence');
    expect(mermaid).toContain('b1 --> b11 : silent 60 s ×2');
    expect(mermaid).toContain('b4 --> b4 : invalid answer');
    expect(mermaid).toContain('b5 --> b6 : qty ≥ 5');
    expect(mermaid).toContain("b5 --> b7 : size = 's' or summary matches /size l$/");
    expect(mermaid).toContain('b5 --> b10 : else');
    expect(mermaid).toContain('class b3 logicBlock');
  });
});
