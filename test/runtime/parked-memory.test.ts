import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakeDetector } from '../support/fake-detector';
import { Harness } from '../support/conversation-harness';
import { defaultFlow } from '../support/flows';

// A full collection on demand, without running jest itself under --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The actor a conversation runs right now (its lifecycle is private: this test is about what it holds). */
function actorOf(h: Harness): object | undefined {
  return (h.conversation as unknown as { lifecycle: { actor?: object } }).lifecycle.actor;
}

async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i += 1) {
    await tick();
    gc();
  }
  return ref.deref() === undefined;
}

describe('a parked conversation', () => {
  it('keeps nothing of its stopped actor alive: an idle conversation holds its snapshot only', async () => {
    const h = new Harness(defaultFlow(), new FakeDetector());
    expect(actorOf(h)).toBeDefined();
    // No strong reference of the test's own: only the WeakRef.
    const released = new WeakRef(actorOf(h) as object);
    h.conversation.start();
    await h.untilTurns(1);
    await tick();
    expect(h.conversation.isParked).toBe(true);
    expect(await collected(released)).toBe(true);
    // And it still answers: the next message restores an actor from the snapshot.
    expect((await h.say('hmm')).blockId).toBe('ask');
  });
});
