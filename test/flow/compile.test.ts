import { createEmptyActor, createMachine } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { compileFlow } from '../../src/flow/compile';
import type { FlowContext } from '../../src/flow/machine-config';
import type { Flow } from '../../src/flow/types';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import { FakeDetector } from '../support/fake-detector';
import { botTexts, Harness, steps } from '../support/conversation-harness';
import { defaultFlow } from '../support/flows';

describe('compileFlow', () => {
  const flow = defaultFlow();
  const { config } = compileFlow(flow);

  it('makes one state per block, named by its id, starting at start', () => {
    expect(Object.keys(config.states)).toEqual(flow.blocks.map((b) => b.id));
    expect(config.initial).toBe('welcome');
  });

  it('produces plain JSON that createMachine() accepts as is', () => {
    const json = JSON.parse(JSON.stringify(config)) as typeof config;
    expect(json).toEqual(config);
    const machine = createMachine(json as never);
    expect(Object.keys(machine.states)).toEqual(flow.blocks.map((b) => b.id));
  });

  it('is pure: the same flow compiles to the same config, and the flow is not changed', () => {
    const before = JSON.stringify(flow);
    expect(compileFlow(flow).config).toEqual(compileFlow(defaultFlow()).config);
    expect(JSON.stringify(flow)).toBe(before);
  });

  it('maps each block type to its XState shape', () => {
    expect(config.states.welcome).toMatchObject({ entry: [{ type: 'say' }], always: { target: 'ask' } });
    expect(config.states.ask).toMatchObject({
      tags: ['waiting'],
      on: { 'user.message': [{ target: 'weather' }, { target: 'nightsAsk' }, { target: 'food' }, { target: 'route' }] },
    });
    expect(config.states.nights).toMatchObject({
      tags: ['waiting', 'silenceClock'],
      after: { '60000': [{ target: 'pause' }, { target: 'nights' }] },
    });
    expect(config.states.countOffer).toMatchObject({ entry: [{ type: 'assignVariables' }], always: { target: 'pickOffer' } });
    expect(config.states.pickOffer).toMatchObject({ always: [{ target: 'longStay' }, { target: 'oneNight' }, { target: 'shortBreak' }] });
    expect(config.states.route!.invoke).toMatchObject({ src: 'detectIntent', input: { blockId: 'route' }, onError: { target: 'clarify' } });
    expect(config.states.goodbye).toMatchObject({ type: 'final', entry: [{ type: 'say' }] });
  });

  it('bounds eventless iterations as a second line of defence', () => {
    expect(config.options.maxIterations).toBeGreaterThan(flow.blocks.length);
    expect(Number.isFinite(config.options.maxIterations)).toBe(true);
  });

  it('keys detector caches by the content of the options', () => {
    const a = compileFlow(flow).intentBlocks.get('route')!.cacheKey;
    const changed = defaultFlow();
    (changed.blocks[2] as { intents: Array<{ description: string }> }).intents[0]!.description = 'Weather report';
    expect(compileFlow(changed).intentBlocks.get('route')!.cacheKey).not.toBe(a);
  });

  it('reaches every block of the default flow on some path from the start (xstate/graph)', () => {
    const machine = createFlowMachine(compileFlow(flow), { detector: new FakeDetector() });
    const answers = ['weather', 'travel', 'restaurants', 'bye', 'none'];
    const eventsAt = (snapshot: { value: unknown }): never[] => {
      const state = String(snapshot.value);
      if (state === 'ask')
        return [
          { type: 'user.message', text: 'x' },
          { type: 'user.message', text: 'offers' },
        ] as never[];
      if (state === 'nights') {
        // XState names a delayed event after its delay and the state node's id.
        return [
          ...['1', '3', '7', 'x'].map((text) => ({ type: 'user.message', text })),
          { type: 'xstate.after.60000.flow.nights' },
        ] as never[];
      }
      if (state === 'route') {
        return [
          ...answers.map((intent) => ({ type: 'xstate.done.actor.detect-route', output: { intent, provider: 'local', latencyMs: 0 } })),
          { type: 'xstate.error.actor.detect-route', error: new Error('down') },
        ] as never[];
      }
      return [];
    };
    // States differ by block and by the counts that change where the flow goes, not by the variables
    // (the offer counter grows without bound).
    const serializeState = (snapshot: { value: unknown; context: FlowContext }): string =>
      JSON.stringify([
        snapshot.value,
        snapshot.context.noMatchCounts,
        snapshot.context.invalidCounts ?? {},
        snapshot.context.silenceCounts ?? {},
      ]);
    const paths = getShortestPaths(machine, { events: eventsAt, limit: 500, serializeState: serializeState as never });
    // Paths end in stable states; message blocks are passed through (by eventless transitions, or
    // folded into the transition that leads to them), so each explored (state, event) pair is
    // replayed microstep by microstep to see the blocks in between, in the steps it reports.
    const reached = new Set<string>([flow.start]);
    const empty = createEmptyActor();
    const scope = {
      self: empty,
      system: empty.system,
      logger: () => {},
      id: '',
      sessionId: 'graph',
      defer: () => {},
      stopChild: () => {},
      emit: () => {},
      actionExecutor: (action: { type: string; params?: { event?: { type?: string; to?: string } } }) => {
        const emitted = action.params?.event;
        if (action.type === 'xstate.emit' && emitted?.type === 'step' && emitted.to !== undefined) reached.add(emitted.to);
      },
    };
    for (const path of paths) {
      reached.add(String(path.state.value));
      for (const event of eventsAt(path.state)) {
        for (const micro of machine.microstep(path.state as never, event, scope as never)) reached.add(String(micro.value));
      }
    }
    expect([...reached].sort()).toEqual(flow.blocks.map((b) => b.id).sort());
  });
});

describe('compiled flow behaviour', () => {
  it('routes every intent to its next block and jumps back to the earlier wait', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    expect(botTexts(h.turns[0]!)).toEqual([expect.stringContaining('Hi!')]);
    for (const [text, block] of [
      ['weather', 'weather'],
      ['travel', 'travel'],
      ['restaurants', 'food'],
    ] as const) {
      const turn = await h.say(`${text} please`);
      expect(steps(turn)).toEqual([
        ['ask', 'route', 'user.message'],
        ['route', block, 'intent.matched'],
        [block, 'ask', 'next'],
      ]);
      expect(turn.outcome).toBe('waiting');
      expect(turn.blockId).toBe('ask');
      expect(turn.variables.intent).toBe(text);
    }
    const bye = await h.say('bye');
    expect(bye.outcome).toBe('ended');
    expect(bye.blockId).toBe('goodbye');
    expect(botTexts(bye)).toEqual(['Happy to help. Bye!']);
    expect(bye.events.at(-1)).toMatchObject({ type: 'end', blockId: 'goodbye' });
  });

  it('counts no-matches in a row, resets the count on a match, and takes onMaxNoMatch at the limit', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    expect(steps(await h.say('hmm'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    expect(steps(await h.say('what?'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    expect(steps(await h.say('weather'))).toContainEqual(['route', 'weather', 'intent.matched']);
    expect(steps(await h.say('eh'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    expect(steps(await h.say('uh'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    const third = await h.say('oh');
    expect(steps(third)).toContainEqual(['route', 'handover', 'intent.maxNoMatch']);
    expect(third.outcome).toBe('ended');
  });

  it('takes onError when detection fails, and renders the not-understood text with the variable', async () => {
    const detector = new FakeDetector();
    const h = new Harness(defaultFlow(), detector);
    h.conversation.start();
    await h.untilTurns(1);
    detector.failWith = new Error('provider down');
    const turn = await h.say('weather');
    const errorStep = turn.events.find((e) => e.type === 'step' && e.step.event === 'intent.error');
    expect(errorStep).toMatchObject({ step: { from: 'route', to: 'clarify', error: 'provider down' } });
    expect(botTexts(turn)).toEqual(['Sorry, I did not get "weather". I can help with the weather, travel offers or restaurants.']);
  });

  it('defaults onError to noMatch', async () => {
    const flow = defaultFlow();
    delete (flow.blocks[2] as { onError?: string }).onError;
    flow.blocks[2] = { ...(flow.blocks[2] as object), noMatch: 'food' } as Flow['blocks'][number];
    const detector = new FakeDetector();
    detector.failWith = new Error('x');
    const h = new Harness(flow, detector);
    h.conversation.start();
    await h.untilTurns(1);
    expect(steps(await h.say('anything'))).toContainEqual(['route', 'food', 'intent.error']);
  });

  it('counts no-matches at intent blocks named like Object.prototype members', async () => {
    const flow: Flow = {
      name: 'prototype names',
      start: 'ask',
      blocks: [
        { id: 'ask', type: 'wait', next: 'constructor' },
        {
          id: 'constructor',
          type: 'intent',
          intents: [{ id: 'yes', description: 'agree', next: 'done' }],
          noMatch: 'again',
          maxNoMatch: 2,
          onMaxNoMatch: 'giveUp',
        },
        { id: 'again', type: 'message', text: 'Sorry?', next: 'ask' },
        { id: 'giveUp', type: 'end', text: 'Let me get a human.' },
        { id: 'done', type: 'end', text: 'Great.' },
      ],
    };
    const h = new Harness(flow, new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    expect(botTexts(await h.say('hmm'))).toEqual(['Sorry?']);
    expect(botTexts(await h.say('hmm'))).toEqual(['Let me get a human.']);
  });

  it('ends at an end block without text silently', async () => {
    const flow: Flow = {
      name: 'tiny',
      start: 'hello',
      blocks: [
        { id: 'hello', type: 'message', text: 'Hello {{nobody}}!', next: 'stop' },
        { id: 'stop', type: 'end' },
      ],
    };
    const h = new Harness(flow, new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    expect(botTexts(h.turns[0]!)).toEqual(['Hello !']);
    expect(h.turns[0]!.outcome).toBe('ended');
    expect(h.turns[0]!.snapshot).toBeNull();
  });
});
