import { createActor, createMachine } from 'xstate';
import type { Flow } from '../../src/flow/types';
import { FakeDetector } from '../support/fake-detector';
import { botTexts, Harness, steps } from '../support/conversation-harness';
import { pizzaFlow } from '../support/flows';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('XState v5 delayed transitions and persistence (what the runtime is built on)', () => {
  const machine = createMachine({ initial: 'waiting', states: { waiting: { after: { 1000: 'late' } }, late: {} } });

  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('keeps a scheduled event out of getPersistedSnapshot(), and a restored actor never fires it', () => {
    const live = createActor(machine).start();
    const persisted = live.getPersistedSnapshot();
    live.stop();
    expect(JSON.stringify(persisted)).not.toMatch(/after|scheduled/i);
    const restored = createActor(machine, { snapshot: persisted as never }).start();
    jest.advanceTimersByTime(5000);
    expect(restored.getSnapshot().value).toBe('waiting');
    restored.stop();
  });

  it('schedules it again when the state is entered again', () => {
    const reenterable = createMachine({
      initial: 'waiting',
      states: { waiting: { after: { 1000: 'late' }, on: { resume: { target: 'waiting', reenter: true } } }, late: {} },
    });
    const live = createActor(reenterable).start();
    const restored = createActor(reenterable, { snapshot: live.getPersistedSnapshot() as never }).start();
    live.stop();
    restored.send({ type: 'resume' });
    jest.advanceTimersByTime(1000);
    expect(restored.getSnapshot().value).toBe('late');
  });
});

describe('the second edition at run time', () => {
  const start = async (flow: Flow = pizzaFlow(), snapshot?: unknown): Promise<Harness> => {
    const h = new Harness(flow, new FakeDetector(), snapshot);
    h.conversation.start();
    await h.untilTurns(1);
    return h;
  };

  it('buttons: by label, by value, never a substring; the waiting event carries the choices', async () => {
    const h = await start();
    expect(h.turns[0]!.events.at(-1)).toMatchObject({
      type: 'waiting',
      blockId: 'size',
      choices: [
        { label: 'Small', value: 'S' },
        { label: 'Large', value: 'L' },
      ],
    });
    expect(botTexts(await h.say('nomaybe'))).toEqual(['Please pick Small or Large.']);
    const large = await h.say('  LARGE ');
    expect(steps(large)[0]).toEqual(['size', 'upsell', 'choice']);
    expect(large.events.find((e) => e.type === 'step')).toMatchObject({ step: { choice: 'L' } });
    expect(large.variables).toMatchObject({ size: 'L', lastMessage: 'L' });
    const again = await start();
    expect(steps(await again.say('s'))[0]).toEqual(['size', 'count', 'choice']);
    expect(again.last.variables.size).toBe('S');
  });

  it('a typed answer: two misfits reprompt, a fit is stored normalised; maxTries in a row leaves', async () => {
    const h = await start();
    await h.say('Small');
    for (const wrong of ['zero', '11']) {
      const turn = await h.say(wrong);
      expect(steps(turn)).toEqual([['qty', 'qty', 'answer.invalid']]);
      expect(botTexts(turn)).toEqual([`From 1 to 10, please (${wrong} is not).`]);
      expect(turn.blockId).toBe('qty');
    }
    const right = await h.say(' 4 ');
    expect(right.variables.qty).toBe(4);
    expect(steps(right)).toEqual([
      ['qty', 'check', 'user.message'],
      ['check', 'confirm', 'condition.case'],
      ['confirm', 'more', 'next'],
    ]);
    expect(right.events.filter((e) => e.type === 'step')[1]).toMatchObject({ step: { case: 1 } });

    const stubborn = await start();
    await stubborn.say('Small');
    await stubborn.say('x');
    await stubborn.say('y');
    const third = await stubborn.say('z');
    expect(steps(third)).toEqual([['qty', 'handoff', 'answer.maxTries']]);
    expect(third.outcome).toBe('ended');
  });

  it('counts misfits in a row only: a fitting answer starts the count again', async () => {
    const flow = pizzaFlow();
    const h = await start(flow);
    await h.say('x');
    await h.say('y');
    await h.say('Small'); // two misfits, then a fit: the next visit starts from zero
    await h.say('2');
    await h.say('again');
    await h.say('x');
    await h.say('y');
    expect(h.last.blockId).toBe('size');
  });

  it('a condition on a stored number, and a counter kept by a set block', async () => {
    const h = await start();
    await h.say('Large');
    const party = await h.say('7');
    expect(steps(party)[1]).toEqual(['check', 'party', 'condition.case']);
    expect(botTexts(party)).toEqual(['7 pizzas (size L): a party! Order 1.']);
    await h.say('again');
    await h.say('Small');
    const second = await h.say('2');
    expect(botTexts(second)).toEqual(['2 pizzas (size S). Order 2.']);
    expect(second.variables.orders).toBe(2);
  });

  it('free text at a wait with buttons but no expected type goes to next (an intent block)', async () => {
    const flow: Flow = {
      name: 'menu',
      start: 'ask',
      blocks: [
        { id: 'ask', type: 'wait', next: 'route', choices: [{ label: 'Help', next: 'help' }] },
        { id: 'route', type: 'intent', intents: [{ id: 'bye', description: 'bye', next: 'bye' }], noMatch: 'ask' },
        { id: 'help', type: 'end', text: 'helping' },
        { id: 'bye', type: 'end', text: 'bye!' },
      ],
    };
    const h = await start(flow);
    const turn = await h.say('ok bye then');
    expect(steps(turn)).toEqual([
      ['ask', 'route', 'user.message'],
      ['route', 'bye', 'intent.matched'],
    ]);
  });

  describe('silence', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it('reprompts after afterSeconds, then goes to next on the maxTimes-th silence in a row', async () => {
      const h = await start(pizzaFlow({ afterSeconds: 1 }));
      expect(h.conversation.isParked).toBe(false); // its clock runs
      jest.advanceTimersByTime(1000);
      await h.untilTurns(2);
      expect(steps(h.turns[1]!)).toEqual([['size', 'size', 'silence']]);
      expect(botTexts(h.turns[1]!)).toEqual(['Are you still there?']);
      jest.advanceTimersByTime(999);
      await tick();
      expect(h.turns).toHaveLength(2);
      jest.advanceTimersByTime(1);
      await h.untilTurns(3);
      expect(steps(h.turns[2]!)).toEqual([['size', 'goodbye', 'silence.maxTimes']]);
      expect(h.turns[2]!.outcome).toBe('ended');
    });

    it('does not fire while the user keeps writing: every message starts the clock again', async () => {
      const flow: Flow = {
        name: 'typing',
        start: 'ask',
        blocks: [
          { id: 'ask', type: 'wait', next: 'done', expect: { type: 'number' }, noReply: { afterSeconds: 1, text: 'Hello?', next: 'done' } },
          { id: 'done', type: 'end' },
        ],
      };
      const h = await start(flow);
      for (let i = 0; i < 5; i++) {
        jest.advanceTimersByTime(900);
        await h.say('hmm'); // a misfit reprompts and waits again at the same block
      }
      jest.advanceTimersByTime(900);
      await tick();
      expect(h.turns.flatMap(steps).filter(([, , event]) => event.startsWith('silence'))).toEqual([]);
    });

    it('a resumed conversation starts its clock again; a block without noReply still parks', async () => {
      const h = await start(pizzaFlow({ afterSeconds: 1 }));
      const snapshot = h.turns[0]!.snapshot;
      h.conversation.stop();
      const resumed = await start(pizzaFlow({ afterSeconds: 1 }), snapshot);
      expect(resumed.turns[0]).toMatchObject({ resumed: true, blockId: 'size' });
      jest.advanceTimersByTime(1000);
      await resumed.untilTurns(2);
      expect(steps(resumed.turns[1]!)).toEqual([['size', 'size', 'silence']]);
      await resumed.say('Small');
      await tick();
      expect(resumed.conversation.blockId).toBe('qty');
      expect(resumed.conversation.isParked).toBe(true);
    });

    it('without next: reprompts maxTimes times, then the clock stops until the user writes', async () => {
      const flow: Flow = {
        name: 'quiet',
        start: 'ask',
        blocks: [
          { id: 'ask', type: 'wait', next: 'done', noReply: { afterSeconds: 1, text: 'Hello?', maxTimes: 2 } },
          { id: 'done', type: 'end' },
        ],
      };
      const h = await start(flow);
      for (let i = 0; i < 5; i++) {
        jest.advanceTimersByTime(1000);
        await tick();
      }
      expect(h.turns.slice(1).map(botTexts)).toEqual([['Hello?'], ['Hello?']]);
      await tick();
      expect(h.conversation.isParked).toBe(true);
    });
  });
});
