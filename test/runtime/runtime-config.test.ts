import { compileFlow } from '../../src/flow/compile';
import type { MachineConfigJson, TransitionJson } from '../../src/flow/machine-config';
import type { Flow } from '../../src/flow/types';
import { Conversation } from '../../src/runtime/conversation';
import type { Turn } from '../../src/runtime/events';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import { NOTE_INTENT_ACTION, runtimeConfig } from '../../src/runtime/runtime-config';
import { VirtualTimers } from '../../src/testing/virtual-timers';
import { FakeDetector } from '../support/fake-detector';
import { botTexts, Harness, steps } from '../support/conversation-harness';

/** A wait block whose answer passes a set and a message block on its way back to itself. */
const loopFlow: Flow = {
  name: 'Loop',
  start: 'ask',
  blocks: [
    { id: 'ask', type: 'wait', saveAs: 'name', next: 'count', noReply: { afterSeconds: 30, text: 'Still there?' } },
    { id: 'count', type: 'set', assign: { seen: { add: ['{{seen|0}}', 1] } }, next: 'hello' },
    { id: 'hello', type: 'message', text: 'Hello {{name}} ({{seen}})', next: 'ask' },
  ],
};

const intentFlow: Flow = {
  name: 'Intent',
  start: 'ask',
  blocks: [
    { id: 'ask', type: 'wait', next: 'route' },
    {
      id: 'route',
      type: 'intent',
      intents: [{ id: 'hi', description: 'Greeting', examples: ['hello'], next: 'greet' }],
      noMatch: 'ask',
      onError: 'ask',
    },
    { id: 'greet', type: 'message', text: 'Hi there!', next: 'bye' },
    { id: 'bye', type: 'end', text: 'Bye!' },
  ],
};

function transitionOn(config: MachineConfigJson, state: string): TransitionJson {
  const on = config.states[state]?.on?.['user.message'];
  return (Array.isArray(on) ? on[0] : on) as TransitionJson;
}

describe('runtimeConfig: the compiled config as the runtime machine runs it', () => {
  it('folds the blocks a transition only passes through into it, with their actions in order', () => {
    const compiled = compileFlow(loopFlow);
    const answer = transitionOn(runtimeConfig(compiled.config), 'ask');
    expect(answer.target).toBe('ask');
    expect(answer.actions.map((a) => [a.type, a.params.event ?? null])).toEqual([
      ['saveReply', null],
      ['step', 'user.message'],
      ['assignVariables', null],
      ['step', 'next'],
      ['say', null],
      ['step', 'next'],
    ]);
  });

  it('re-enters the source when the chain comes back to it, as leaving and coming back did (its silence clock restarts)', () => {
    const answer = transitionOn(runtimeConfig(compileFlow(loopFlow).config), 'ask');
    expect(answer.reenter).toBe(true);
  });

  it('leaves a loop of pass-through blocks as it is', () => {
    const compiled = compileFlow(loopFlow);
    const config: MachineConfigJson = JSON.parse(JSON.stringify(compiled.config)) as MachineConfigJson;
    (config.states.hello as { always: TransitionJson }).always.target = 'count';
    const folded = runtimeConfig(config);
    expect(folded.states.count?.always).toEqual(config.states.count?.always);
    expect(transitionOn(folded, 'ask')).toEqual(transitionOn(config, 'ask'));
  });

  it("notes a detection's answer before its step, and nothing for a failed detection", () => {
    const invoke = runtimeConfig(compileFlow(intentFlow).config).states.route?.invoke;
    const types = (t: TransitionJson): string[] => t.actions.map((a) => a.type);
    expect(invoke?.onDone.map(types)).toEqual([
      [NOTE_INTENT_ACTION, 'step', 'say', 'step'],
      [NOTE_INTENT_ACTION, 'step'],
    ]);
    expect(invoke?.onDone[0]?.target).toBe('bye');
    expect(types(invoke!.onError)).toEqual(['step']);
  });

  it('leaves the compiled config (what is stored, exported and tested) unchanged', () => {
    const compiled = compileFlow(loopFlow);
    const before = JSON.stringify(compiled.config);
    runtimeConfig(compiled.config);
    expect(JSON.stringify(compiled.config)).toBe(before);
  });

  it('reports every block passed, with the context each one sees', async () => {
    const chat = new Harness(loopFlow, new FakeDetector());
    chat.conversation.start();
    await chat.untilTurns(1);
    const turn = await chat.say('Ada');
    expect(steps(turn)).toEqual([
      ['ask', 'count', 'user.message'],
      ['count', 'hello', 'next'],
      ['hello', 'ask', 'next'],
    ]);
    expect(botTexts(turn)).toEqual(['Hello Ada (1)']);
    expect(botTexts(await chat.say('Bo'))).toEqual(['Hello Bo (2)']);
    chat.conversation.stop();
  });

  it('restarts the silence clock of a wait block its answer comes back to', async () => {
    const timers = new VirtualTimers();
    const turns: Turn[] = [];
    const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const conversation = new Conversation({
      machine: createFlowMachine(compileFlow(loopFlow), { detector: new FakeDetector() }),
      timers,
      onTurn: (turn) => void turns.push(turn),
    });
    conversation.start();
    await settled();
    await timers.advance(20_000, settled);
    conversation.send('Ada');
    await settled();
    // The answer left the block and came back 20 s into its 30 s: the clock starts again from there.
    await timers.advance(20_000, settled);
    expect(turns.flatMap(botTexts)).toEqual(['Hello Ada (1)']);
    await timers.advance(15_000, settled);
    expect(turns.flatMap(botTexts)).toEqual(['Hello Ada (1)', 'Still there?']);
    conversation.stop();
  });
});
