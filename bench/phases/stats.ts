import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_BOT } from '../../src/storage/records';
import { median, round } from '../lib/stats';

export interface StatsFigure {
  /** Steps of the version the statistics are about; as many again belong to another version. */
  steps: number;
  conversations: number;
  /** GET .../stats's database work (every aggregate of the answer), median of the runs. */
  statsMs: number;
  /** Baseline in the same run: reading every step row once (`SELECT COUNT(*) ... FROM steps`). */
  fullScanMs: number;
  /** statsMs / fullScanMs: the aggregation against the cost of touching every step once. */
  ratio: number;
  runs: number;
}

const STEPS_PER_CONVERSATION = 20;

/**
 * Seeds a database with `steps` steps on version 1 (and as many on version 2, which the answer must
 * not read), written straight into the tables in one transaction for speed, then times the statistics
 * query of version 1 against a full scan of the steps table.
 */
export async function runStatsPhase(steps: number, runs = 5): Promise<StatsFigure> {
  // Loaded here, after main() linked the data folders the flow model reads when it loads.
  const { openSqliteStorage } = await import('../../src/storage/sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'flowbot-bench-stats-'));
  const path = join(dir, 'stats.sqlite');
  try {
    const flowSource = readFileSync(join(__dirname, '..', '..', '..', 'flows', 'travel-assistant.json'), 'utf8');
    const setup = openSqliteStorage({ path });
    await setup.flows.create({ flow: JSON.parse(flowSource) as never, source: flowSource, createdAt: '2026-01-01T00:00:00.000Z' });
    await setup.flows.create({ flow: JSON.parse(flowSource) as never, source: flowSource, createdAt: '2026-01-01T00:00:00.000Z' });
    await setup.close();
    const conversations = Math.ceil(steps / STEPS_PER_CONVERSATION);
    const db = new Database(path);
    const addConversation = db.prepare(
      "INSERT INTO conversations (id, bot_id, flow_version, status, current_block, created_at, updated_at) VALUES (?, ?, ?, ?, 'ask', ?, ?)",
    );
    const addStep = db.prepare(
      'INSERT INTO steps (conversation_id, seq, from_block, to_block, event, intent, latency_ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const addMessage = db.prepare(
      "INSERT INTO messages (conversation_id, seq, sender, text, block_id, at) VALUES (?, ?, 'user', ?, 'ask', ?)",
    );
    const statuses = ['active', 'completed', 'abandoned'];
    const intents = ['weather', 'travel', 'none', 'bye'];
    db.transaction(() => {
      for (const version of [1, 2]) {
        for (let c = 0; c < conversations; c++) {
          const id = `v${version}-c${c}`;
          const at = new Date(Date.UTC(2026, 0, 1) + c * 1000).toISOString();
          addConversation.run(id, DEFAULT_BOT, version, statuses[c % 3], at, at);
          for (let s = 1; s <= STEPS_PER_CONVERSATION; s++) {
            const detection = s % 2 === 0;
            const intent = intents[(c + s) % intents.length] as string;
            const event = detection ? (intent === 'none' ? 'intent.noMatch' : 'intent.matched') : 'user.message';
            if (!detection) addMessage.run(id, s, `text ${(c + s) % 50}`, at);
            addStep.run(
              id,
              s,
              detection ? 'route' : 'ask',
              detection ? intent : 'route',
              event,
              detection ? intent : null,
              detection ? s : null,
              at,
            );
          }
        }
      }
    })();
    db.close();

    const storage = openSqliteStorage({ path });
    const scan = new Database(path, { readonly: true });
    const fullScan = scan.prepare('SELECT COUNT(*) AS n, SUM(length(event)) AS l FROM steps');
    const statsTimes: number[] = [];
    const scanTimes: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      let t = performance.now();
      await storage.stats.flowStats({ botId: 'default', flowVersion: 1 });
      const statsMs = performance.now() - t;
      t = performance.now();
      fullScan.get();
      const scanMs = performance.now() - t;
      // The first round warms the page cache for both.
      if (i > 0) {
        statsTimes.push(statsMs);
        scanTimes.push(scanMs);
      }
    }
    scan.close();
    await storage.close();
    const statsMs = median(statsTimes);
    const fullScanMs = median(scanTimes);
    return {
      steps: conversations * STEPS_PER_CONVERSATION,
      conversations,
      statsMs: round(statsMs),
      fullScanMs: round(fullScanMs),
      ratio: round(statsMs / fullScanMs),
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
