import type { MessageRecord, StepRecord } from '../../src/storage/records';
import type { Storage } from '../../src/storage/repositories';
import { defaultFlow } from './flows';

type Move = [from: string | null, to: string, event: string, extra?: Partial<StepRecord>];
interface SeedTurn {
  messages: Array<[from: MessageRecord['from'], text: string, blockId: string]>;
  steps: Move[];
}

/** Writes a conversation turn by turn through the repository, each turn a minute after the previous. */
export async function seedConversation(
  storage: Storage,
  options: {
    id: string;
    bot?: string;
    flowVersion: number;
    createdAt: string;
    status: 'active' | 'completed' | 'abandoned';
    currentBlock: string;
  },
  turns: SeedTurn[],
): Promise<void> {
  await storage.conversations.create({
    id: options.id,
    ...(options.bot !== undefined ? { bot: options.bot } : {}),
    flowVersion: options.flowVersion,
    createdAt: options.createdAt,
  });
  const start = Date.parse(options.createdAt);
  for (const [i, turn] of turns.entries()) {
    const at = new Date(start + i * 60_000).toISOString();
    const last = i === turns.length - 1;
    await storage.conversations.appendTurn({
      conversationId: options.id,
      messages: turn.messages.map(([from, text, blockId]) => ({ from, text, blockId, at })),
      steps: turn.steps.map(([from, to, event, extra]) => ({ from, to, event, ...extra, at })),
      status: last ? options.status : 'active',
      variables: {},
      currentBlock: last ? options.currentBlock : 'ask',
      at,
    });
  }
}

const WELCOME = 'Hi!';

/**
 * Known conversations on the bundled flow (version 1) and one on version 2, with every number the
 * statistics of version 1 must show worked out by hand in test/storage/stats.test.ts.
 */
export async function seedKnownConversations(storage: Storage): Promise<void> {
  const source = JSON.stringify(defaultFlow());
  await storage.flows.create({ flow: defaultFlow(), source, createdAt: '2026-01-01T00:00:00.000Z' });
  await storage.flows.create({ flow: defaultFlow(), source, createdAt: '2026-01-01T00:00:00.000Z' });
  const opening: SeedTurn = {
    messages: [['bot', WELCOME, 'welcome']],
    steps: [
      [null, 'welcome', 'start'],
      ['welcome', 'ask', 'next'],
    ],
  };
  await seedConversation(
    storage,
    { id: 'c1', flowVersion: 1, createdAt: '2026-01-01T10:00:00.000Z', status: 'completed', currentBlock: 'goodbye' },
    [
      opening,
      {
        messages: [
          ['user', 'rain?', 'ask'],
          ['bot', 'Sunny.', 'weather'],
        ],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'weather', 'intent.matched', { intent: 'weather', provider: 'local', latencyMs: 10 }],
          ['weather', 'ask', 'next'],
        ],
      },
      {
        messages: [
          ['user', 'bye', 'ask'],
          ['bot', 'Bye!', 'goodbye'],
        ],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'goodbye', 'intent.matched', { intent: 'bye', provider: 'local', latencyMs: 20 }],
        ],
      },
    ],
  );
  await seedConversation(
    storage,
    { id: 'c2', flowVersion: 1, createdAt: '2026-01-02T10:00:00.000Z', status: 'abandoned', currentBlock: 'ask' },
    [
      opening,
      {
        messages: [
          ['user', 'asdf', 'ask'],
          ['bot', 'Sorry.', 'clarify'],
        ],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'clarify', 'intent.noMatch', { intent: 'none', provider: 'local', latencyMs: 30, fallbackReason: 'timeout' }],
          ['clarify', 'ask', 'next'],
        ],
      },
    ],
  );
  await seedConversation(
    storage,
    { id: 'c3', flowVersion: 1, createdAt: '2026-01-03T10:00:00.000Z', status: 'active', currentBlock: 'ask' },
    [
      opening,
      {
        messages: [
          ['user', 'asdf', 'ask'],
          ['bot', 'Sorry.', 'clarify'],
        ],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'clarify', 'intent.noMatch', { intent: 'none', provider: 'local', latencyMs: 40 }],
          ['clarify', 'ask', 'next'],
        ],
      },
      {
        messages: [
          ['user', 'qwerty', 'ask'],
          ['bot', 'Sorry.', 'clarify'],
        ],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'clarify', 'intent.error', { error: 'down' }],
          ['clarify', 'ask', 'next'],
        ],
      },
    ],
  );
  // Another version's conversation: none of its numbers may show in version 1's statistics.
  await seedConversation(
    storage,
    { id: 'c4', flowVersion: 2, createdAt: '2026-01-02T12:00:00.000Z', status: 'abandoned', currentBlock: 'nights' },
    [
      opening,
      {
        messages: [['user', 'asdf', 'ask']],
        steps: [
          ['ask', 'route', 'user.message'],
          ['route', 'clarify', 'intent.noMatch', { intent: 'none', latencyMs: 999 }],
        ],
      },
    ],
  );
}
