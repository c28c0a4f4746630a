import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor } from 'xstate';
import { compileFlow } from '../../src/flow/compile';
import type { Flow } from '../../src/flow/types';
import { LocalIntentClassifier } from '../../src/intent/local';
import { Conversation } from '../../src/runtime/conversation';
import type { Turn } from '../../src/runtime/events';
import { CONVERSATION_SYSTEM_ID, createFlowMachine } from '../../src/runtime/flow-machine';
import { toTurnWrite } from '../../src/services/chat-service';
import type { TurnWrite } from '../../src/storage/records';
import { openSqliteStorage } from '../../src/storage/sqlite';
import { TURN_TEXTS } from '../load/connection';
import { REPO_ROOT } from '../lib/paths';
import { minimalXstateTurnMicros } from '../lib/minimal-xstate';
import { round, timeLoop, timeLoopAsync } from '../lib/stats';

/** Microseconds per call of each part of one chat turn, measured in-process without sockets. */
export interface TurnCostResult {
  /** Conversation.send → onTurn: XState actor, classifier, getPersistedSnapshot, event buffer. */
  runtimeTurnUs: number;
  /** XState alone, per turn of a two-state machine with an invoked task (see lib/minimal-xstate.ts). */
  minimalXstateTurnUs: number;
  classifyUs: number;
  persistedSnapshotUs: number;
  snapshotStringifyUs: number;
  snapshotBytes: number;
  toTurnWriteUs: number;
  /** SQLite: one appendTurn of a typical turn (1 user + 1 bot message, 3 steps, snapshot) on a file DB. */
  appendTurnUs: number;
  /** Per turn when 32 conversations each hand over a turn in the same event-loop turn (as under load). */
  appendTurnConcurrentUs: number;
  /** The same loop around an async no-op: what the loop itself costs. */
  noopUs: number;
  /** appendTurnUs - noopUs. */
  sqliteWriteUs: number;
}

const CONCURRENT_WRITERS = 32;

function loadDefaultFlow(): Flow {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'flows', 'travel-assistant.json'), 'utf8')) as Flow;
}

/** A Conversation whose turns can be awaited one at a time. */
function startConversation(machine: ReturnType<typeof createFlowMachine>): { say(text: string): Promise<Turn>; first: Promise<Turn> } {
  let resolveNext: ((turn: Turn) => void) | undefined;
  const nextTurn = (): Promise<Turn> => new Promise((resolve) => (resolveNext = resolve));
  const conversation = new Conversation({ machine, onTurn: (turn) => resolveNext?.(turn) });
  const first = nextTurn();
  conversation.start();
  return {
    first,
    say: (text) => {
      const p = nextTurn();
      conversation.send(text);
      return p;
    },
  };
}

export async function runTurnCostPhase(budgetMs: number): Promise<TurnCostResult> {
  const flow = loadDefaultFlow();
  const detector = new LocalIntentClassifier();
  const compiled = compileFlow(flow);
  const machine = createFlowMachine(compiled, { detector });

  const chat = startConversation(machine);
  await chat.first;
  let i = 0;
  // JIT warm-up first: the first few thousand turns run several times slower.
  for (let w = 0; w < 3000; w += 1) await chat.say(TURN_TEXTS[i++ % TURN_TEXTS.length] as string);
  const runtime = await timeLoopAsync(async () => {
    await chat.say(TURN_TEXTS[i++ % TURN_TEXTS.length] as string);
  }, budgetMs);
  const typical = await chat.say('weather please');
  const minimalXstate = minimalXstateTurnMicros(budgetMs / 2);

  const route = compiled.intentBlocks.get('route');
  if (!route) throw new Error('the default flow has no "route" intent block');
  const classify = timeLoop(
    () => detector.classify(TURN_TEXTS[i++ % TURN_TEXTS.length] as string, route.intents, route.cacheKey),
    budgetMs / 2,
  );

  // A bare actor of the same machine, waiting at `ask`, for the snapshot's own cost.
  const actor = createActor(machine, { systemId: CONVERSATION_SYSTEM_ID });
  actor.start();
  const persisted = timeLoop(() => actor.getPersistedSnapshot(), budgetMs / 4);
  actor.stop();
  const stringify = timeLoop(() => JSON.stringify(typical.snapshot), budgetMs / 4);
  const toWrite = timeLoop(() => toTurnWrite('x', typical, new Date()), budgetMs / 4);

  const dir = mkdtempSync(join(tmpdir(), 'flowbot-bench-sql-'));
  const storage = openSqliteStorage({ path: join(dir, 'turns.sqlite') });
  try {
    const now = new Date().toISOString();
    const { version } = await storage.flows.create({ flow, source: JSON.stringify(flow), createdAt: now });
    await storage.conversations.create({ id: 'bench', flowVersion: version, createdAt: now });
    const write: TurnWrite = toTurnWrite('bench', typical, new Date());
    const append = await timeLoopAsync(() => storage.conversations.appendTurn(write), budgetMs);
    const writes: TurnWrite[] = [];
    for (let c = 0; c < CONCURRENT_WRITERS; c += 1) {
      await storage.conversations.create({ id: `bench-${c}`, flowVersion: version, createdAt: now });
      writes.push({ ...write, conversationId: `bench-${c}` });
    }
    const concurrent = await timeLoopAsync(async () => {
      await Promise.all(writes.map((w) => storage.conversations.appendTurn(w)));
    }, budgetMs);
    const noop = await timeLoopAsync(async () => undefined, budgetMs / 4);
    return {
      runtimeTurnUs: round(runtime.microsPerCall, 1),
      minimalXstateTurnUs: round(minimalXstate, 1),
      classifyUs: round(classify.microsPerCall, 1),
      persistedSnapshotUs: round(persisted.microsPerCall, 1),
      snapshotStringifyUs: round(stringify.microsPerCall, 1),
      snapshotBytes: JSON.stringify(typical.snapshot).length,
      toTurnWriteUs: round(toWrite.microsPerCall, 1),
      appendTurnUs: round(append.microsPerCall, 1),
      appendTurnConcurrentUs: round(concurrent.microsPerCall / CONCURRENT_WRITERS, 1),
      noopUs: round(noop.microsPerCall, 2),
      sqliteWriteUs: round(append.microsPerCall - noop.microsPerCall, 1),
    };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
