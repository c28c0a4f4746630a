import { createActor } from 'xstate';
import { compileFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { renderTemplate } from '../../src/flow/template';
import { Conversation } from '../../src/runtime/conversation';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import type { Turn } from '../../src/runtime/events';
import { FakeDetector } from '../support/fake-detector';
import { botTexts, Harness, steps } from '../support/conversation-harness';
import { defaultFlow } from '../support/flows';
import { ManualClock } from '../support/manual-clock';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Conversation', () => {
  it('queues messages that arrive while detection is in flight and handles them in order', async () => {
    const detector = new FakeDetector();
    const h = new Harness(defaultFlow(), detector);
    h.conversation.start();
    await h.untilTurns(1);
    detector.hold();
    h.conversation.send('weather');
    h.conversation.send('travel');
    h.conversation.send('restaurants');
    await tick();
    expect(h.conversation.status).toBe('busy');
    expect(h.conversation.pendingMessages).toBe(2);
    expect(detector.calls).toHaveLength(1);
    detector.release();
    await h.untilTurns(2);
    detector.release();
    await h.untilTurns(4);
    const userTexts = h.turns.slice(1).map((t) => t.events.find((e) => e.type === 'user_message'));
    expect(userTexts.map((e) => (e as { text: string }).text)).toEqual(['weather', 'travel', 'restaurants']);
    expect(h.turns.slice(1).map((t) => t.variables.intent)).toEqual(['weather', 'travel', 'restaurants']);
  });

  it('does not deliver the next turn before the owner has finished with the previous one', async () => {
    const flow = defaultFlow();
    const machine = createFlowMachine(compileFlow(flow), { detector: new FakeDetector() });
    const log: string[] = [];
    let releaseFirst: () => void = () => {};
    const conversation = new Conversation({
      machine,
      onTurn: (turn) => {
        const label = turn.events.find((e) => e.type === 'user_message') ? 'turn' : 'start';
        log.push(`${label}:begin`);
        if (label === 'start') {
          return new Promise<void>((resolve) => {
            releaseFirst = () => {
              log.push('start:end');
              resolve();
            };
          });
        }
        return undefined;
      },
    });
    conversation.start();
    conversation.send('weather');
    await tick();
    await tick();
    expect(log).toEqual(['start:begin']);
    releaseFirst();
    for (let i = 0; i < 5; i++) await tick();
    expect(log).toEqual(['start:begin', 'start:end', 'turn:begin']);
  });

  it('saves the reply in saveAs and lastMessage and renders placeholders', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    const turn = await h.say('I want <b>pizza</b>');
    expect(turn.variables).toMatchObject({ request: 'I want <b>pizza</b>', lastMessage: 'I want <b>pizza</b>', intent: 'none' });
    expect(botTexts(turn)[0]).toBe(
      'Sorry, I did not get "I want <b>pizza</b>". I can help with the weather, travel offers or restaurants.',
    );
  });

  it('resumes from a snapshot taken at a wait, without repeating anything, and keeps counting no-matches', async () => {
    const first = new Harness(defaultFlow(), new FakeDetector());
    first.conversation.start();
    await first.untilTurns(1);
    await first.say('hmm');
    const saved = JSON.parse(JSON.stringify(first.last.snapshot)) as unknown;
    first.conversation.stop();

    const second = new Harness(defaultFlow(), new FakeDetector(), saved);
    second.conversation.start();
    await second.untilTurns(1);
    expect(second.turns[0]).toMatchObject({ resumed: true, outcome: 'waiting', blockId: 'ask' });
    expect(second.turns[0]!.events.map((e) => e.type)).toEqual(['waiting']);
    expect(second.turns[0]!.variables.request).toBe('hmm');
    await second.say('what');
    expect(steps(await second.say('eh'))).toContainEqual(['route', 'handover', 'intent.maxNoMatch']);
  });

  it('with a park delay, keeps the actor while the user answers within it, and parks once it has passed', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector(), undefined, { parkAfterMs: 60 });
    h.conversation.start();
    await h.untilTurns(1);
    await tick();
    // Only greeted, never answered: parks at once, as a burst of new conversations should.
    expect([h.conversation.status, h.conversation.isParked, h.conversation.blockId]).toEqual(['waiting', true, 'ask']);
    expect(steps(await h.say('hmm'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    await tick();
    expect(h.conversation.isParked).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect([h.conversation.status, h.conversation.isParked, h.conversation.blockId]).toEqual(['waiting', true, 'ask']);
    // Context survives: the second and third no-matches reach the limit, across the restore.
    await h.say('what');
    expect(steps(await h.say('eh'))).toContainEqual(['route', 'handover', 'intent.maxNoMatch']);
  });

  it('with a park delay, a stopped conversation neither parks nor keeps a timer', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector(), undefined, { parkAfterMs: 30 });
    h.conversation.start();
    await h.untilTurns(1);
    await h.say('hmm');
    await tick();
    expect(h.conversation.isParked).toBe(false);
    h.conversation.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect([h.conversation.status, h.conversation.isParked]).toEqual(['stopped', false]);
  });

  it('releases the actor while it waits with nothing queued, and restores it for the next message', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    await tick();
    expect(h.conversation.isParked).toBe(true);
    expect(h.conversation.blockId).toBe('ask');
    expect(steps(await h.say('hmm'))).toContainEqual(['route', 'clarify', 'intent.noMatch']);
    await tick();
    expect(h.conversation.isParked).toBe(true);
    // Context (variables, no-match counts) survives parking: two more no-matches reach the limit.
    await h.say('what');
    const third = await h.say('eh');
    expect(steps(third)).toContainEqual(['route', 'handover', 'intent.maxNoMatch']);
    expect(third.variables.request).toBe('eh');
  });

  it('aborts a detection in flight when stopped', async () => {
    let seen: AbortSignal | undefined;
    const detector = {
      name: 'local' as const,
      detect: (request: { signal?: AbortSignal }) => {
        seen = request.signal;
        return new Promise<never>(() => {});
      },
    };
    const h = new Harness(defaultFlow(), detector);
    h.conversation.start();
    await h.untilTurns(1);
    h.conversation.send('weather');
    await tick();
    expect(seen?.aborted).toBe(false);
    h.conversation.stop();
    expect(seen?.aborted).toBe(true);
    expect(h.conversation.status).toBe('stopped');
  });

  it('turns an actor error into an error event instead of crashing the process', async () => {
    const flow = defaultFlow();
    // A corrupted config (text that is not a string) makes the `say` action throw at run time.
    const compiled = compileFlow(flow);
    (compiled.config.states.weather!.entry as Array<{ params: Record<string, unknown> }>)[0]!.params.text = null;
    const machine = createFlowMachine(compiled, { detector: new FakeDetector() });
    const turns: Turn[] = [];
    const conversation = new Conversation({ machine, onTurn: (t) => void turns.push(t) });
    const uncaught = jest.fn();
    process.on('uncaughtException', uncaught);
    try {
      conversation.start();
      conversation.send('weather');
      for (let i = 0; i < 10; i++) await tick();
    } finally {
      process.off('uncaughtException', uncaught);
    }
    expect(uncaught).not.toHaveBeenCalled();
    expect(turns.at(-1)).toMatchObject({ outcome: 'failed' });
    expect(turns.at(-1)!.events.at(-1)).toMatchObject({ type: 'error', code: 'flow_error' });
  });

  it('ignores messages after the conversation ended', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    h.conversation.start();
    await h.untilTurns(1);
    await h.say('bye');
    h.conversation.send('hello?');
    await tick();
    expect(h.turns).toHaveLength(2);
    expect(h.conversation.status).toBe('ended');
  });

  it('stops an eventless loop that slipped past validation instead of hanging', () => {
    const flow: Flow = {
      name: 'loop',
      start: 'a',
      blocks: [
        { id: 'a', type: 'message', text: 'a', next: 'b' },
        { id: 'b', type: 'message', text: 'b', next: 'a' },
      ],
    };
    const machine = createFlowMachine(compileFlow(flow), { detector: new FakeDetector() });
    const actor = createActor(machine);
    const errors: unknown[] = [];
    actor.subscribe({ error: (err) => errors.push(err) });
    actor.start();
    expect(String(errors[0])).toContain('Infinite loop detected');
  });
});

describe('Conversation lifecycle', () => {
  const machineOf = (detector = new FakeDetector()) => createFlowMachine(compileFlow(defaultFlow()), { detector });

  it('marks only the announcement of a restored conversation as resumed, because it was told so', async () => {
    const first = new Harness(defaultFlow(), new FakeDetector());
    first.conversation.start();
    await first.untilTurns(1);
    expect(first.turns[0]?.resumed).toBe(false);
    await first.say('hmm');
    const saved = JSON.parse(JSON.stringify(first.last.snapshot)) as unknown;

    const turns: Turn[] = [];
    const restored = new Conversation({
      machine: machineOf(),
      origin: { kind: 'restore', snapshot: saved },
      onTurn: (t) => void turns.push(t),
    });
    restored.start();
    for (let i = 0; i < 5; i++) await tick();
    expect(turns.map((t) => t.resumed)).toEqual([true]);
    restored.send('weather');
    for (let i = 0; i < 10; i++) await tick();
    expect(turns.map((t) => t.resumed)).toEqual([true, false]);
    expect(turns[1]?.events.map((e) => e.type)).toContain('user_message');
  });

  it('ignores a delivery that finishes after stop(): no message is taken, no actor restored', async () => {
    let finish: () => void = () => undefined;
    const detector = new FakeDetector();
    const conversation = new Conversation({
      machine: machineOf(detector),
      onTurn: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    conversation.start();
    conversation.send('weather');
    conversation.stop();
    finish();
    for (let i = 0; i < 10; i++) await tick();
    expect(conversation.status).toBe('stopped');
    expect(conversation.isParked).toBe(false);
    expect(detector.calls).toHaveLength(0);
    conversation.send('travel');
    expect(conversation.pendingMessages).toBe(0);
  });

  it('stamps events with the injected clock', async () => {
    const clock = new ManualClock('2030-05-06T07:08:09.000Z');
    const turns: Turn[] = [];
    const conversation = new Conversation({ machine: machineOf(), clock, onTurn: (t) => void turns.push(t) });
    conversation.start();
    await tick();
    expect(turns[0]?.events.every((e) => e.at.toISOString() === '2030-05-06T07:08:09.000Z')).toBe(true);
  });

  it('reports the status the owner relies on at each point of a turn', async () => {
    const detector = new FakeDetector();
    const h = new Harness(defaultFlow(), detector);
    expect(h.conversation.status).toBe('new');
    h.conversation.start();
    await h.untilTurns(1);
    expect(h.conversation.status).toBe('waiting');
    await tick();
    expect([h.conversation.status, h.conversation.isParked, h.conversation.blockId]).toEqual(['waiting', true, 'ask']);
    detector.hold();
    h.conversation.send('weather');
    expect([h.conversation.status, h.conversation.isParked]).toEqual(['busy', false]);
    detector.release();
    await h.untilTurns(2);
    expect(h.conversation.status).toBe('waiting');
    await h.say('bye');
    expect([h.conversation.status, h.conversation.blockId]).toEqual(['ended', 'goodbye']);
    h.conversation.stop();
    expect([h.conversation.status, h.conversation.blockId]).toEqual(['stopped', 'goodbye']);
  });
});

describe('steps', () => {
  it('carry the confidence of the answer and the reason detection failed', async () => {
    const detector = new FakeDetector();
    const h = new Harness(defaultFlow(), detector);
    h.conversation.start();
    await h.untilTurns(1);
    const matched = (await h.say('weather')).events.find((e) => e.type === 'step' && e.step.event === 'intent.matched');
    expect(matched).toMatchObject({ step: { intent: 'weather', provider: 'local', confidence: 1 } });
    detector.failWith = new Error('the classifier is broken');
    const failed = (await h.say('anything')).events.find((e) => e.type === 'step' && e.step.event === 'intent.error');
    expect(failed).toMatchObject({ step: { from: 'route', error: 'the classifier is broken' } });
  });
});

describe('renderTemplate', () => {
  it('renders known variables, blanks unknown ones, and never reaches the prototype', () => {
    expect(renderTemplate('Hi {{ name }}, {{missing}}{{constructor}}!', { name: 'Ada' })).toBe('Hi Ada, !');
    expect(renderTemplate('{{a}}{{a}}', { a: '{{a}}' })).toBe('{{a}}{{a}}');
    expect(renderTemplate('no placeholders', {})).toBe('no placeholders');
  });
});
