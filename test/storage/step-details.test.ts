import { flowLimitsOf } from '../../src/config/limits';
import { loadSettings } from '../../src/config/settings';
import type { Turn } from '../../src/runtime/events';
import type { ChatListener } from '../../src/services/chat-service';
import { ChatService } from '../../src/services/chat-service';
import { FlowMachineCache } from '../../src/services/flow-machines';
import { FlowService } from '../../src/services/flow-service';
import { HistoryService } from '../../src/services/history-service';
import type { Storage } from '../../src/storage/repositories';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { systemClock } from '../../src/util/clock';
import { FakeDetector } from '../support/fake-detector';
import { defaultFlow } from '../support/flows';

/**
 * What detection produces reaches the history: the confidence of the answer and, for an
 * `intent.error` step, why detection failed (both were produced by the runtime and dropped on the
 * way to storage).
 */
describe('step details in the history', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = openSqliteStorage({ path: ':memory:' });
  });
  afterEach(async () => {
    await storage.close();
  });

  it('stores the confidence of a detection and the reason of an intent.error, and the history shows them', async () => {
    const detector = new FakeDetector();
    const flows = new FlowService(storage.flows, new FlowMachineCache(detector), systemClock, flowLimitsOf(loadSettings({})));
    const source = JSON.stringify(defaultFlow());
    await flows.upload(JSON.parse(source), source);
    const chat = new ChatService(flows, storage.conversations, systemClock, { error: () => undefined });
    const turns: Turn[] = [];
    let waiter: (() => void) | undefined;
    const listener: ChatListener = {
      onTurn: (turn) => {
        turns.push(turn);
        waiter?.();
      },
      onFailure: () => undefined,
      onReplaced: () => undefined,
      onExpired: () => undefined,
    };
    const next = (count: number): Promise<void> =>
      turns.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = () => turns.length >= count && resolve()));

    const session = await chat.open(listener);
    session.start();
    await next(1);
    session.send('weather please');
    await next(2);
    detector.failWith = new Error('no answer from anyone');
    session.send('and now?');
    await next(3);

    const history = await new HistoryService(storage.conversations).get(session.conversationId);
    const intentSteps = history.steps.filter((s) => s.event.startsWith('intent.'));
    expect(intentSteps).toEqual([
      expect.objectContaining({ event: 'intent.matched', intent: 'weather', provider: 'local', confidence: 1 }),
      expect.objectContaining({ event: 'intent.error', from: 'route', error: 'no answer from anyone' }),
    ]);
    session.detach();
  });
});
