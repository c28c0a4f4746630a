import { createActor } from 'xstate';
import { compileFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { CONVERSATION_SYSTEM_ID, createFlowMachine } from '../../src/runtime/flow-machine';
import { FakeDetector } from '../support/fake-detector';
import { Harness } from '../support/conversation-harness';
import { defaultFlow, pizzaFlow } from '../support/flows';

/**
 * The conversation builds the snapshot it persists at a waiting point itself (see persistedAtWait);
 * it must be what XState's getPersistedSnapshot() gives, field for field and in the same order.
 */
describe('the snapshot persisted at a waiting point', () => {
  const cases: Array<[string, Flow, string[]]> = [
    ['the default flow', defaultFlow(), ['weather please', 'offers', 'x', '3', 'restaurants', 'hmm', 'hmm', 'hmm']],
    ['the pizza flow', pizzaFlow(), ['large', 'margherita', 'yes', 'no']],
  ];

  it.each(cases)('is what XState persists, at every wait of %s', async (_name, flow, texts) => {
    const machine = createFlowMachine(compileFlow(flow), { detector: new FakeDetector() });
    const chat = new Harness(flow, new FakeDetector());
    chat.conversation.start();
    await chat.untilTurns(1);
    const persisted = [chat.last.snapshot];
    for (const text of texts) {
      if (chat.conversation.status !== 'waiting') break;
      persisted.push((await chat.say(text)).snapshot);
    }
    const snapshots = persisted.filter((s) => s !== null);
    expect(snapshots.length).toBeGreaterThan(2);
    for (const snapshot of snapshots) {
      const restored = createActor(machine, { systemId: CONVERSATION_SYSTEM_ID, snapshot: snapshot as never }).start();
      expect(JSON.stringify(restored.getPersistedSnapshot())).toBe(JSON.stringify(snapshot));
      expect(Object.keys(restored.getPersistedSnapshot())).toEqual(Object.keys(snapshot as object));
      restored.stop();
    }
    chat.conversation.stop();
  });
});
