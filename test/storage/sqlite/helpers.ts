import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Flow } from '../../../src/flow/types';
import type { MessageRecord, TurnWrite } from '../../../src/storage/records';
import type { Storage } from '../../../src/storage/repositories';

/** Temp directories created by a test file; call cleanupTempDirs() in afterEach/afterAll. */
const dirs: string[] = [];

export function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowbot-sqlite-'));
  dirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function sampleFlow(name = 'sample'): Flow {
  return {
    name,
    start: 'hello',
    blocks: [
      { id: 'hello', type: 'message', text: 'Hi {{name}}', next: 'ask' },
      { id: 'ask', type: 'wait', saveAs: 'answer', next: 'bye' },
      { id: 'bye', type: 'end', text: 'Bye' },
    ],
  };
}

/** Stores a flow version and returns its number; conversations need one (foreign key). */
export async function seedFlow(storage: Storage, name = 'sample'): Promise<number> {
  const flow = sampleFlow(name);
  const record = await storage.flows.create({
    flow,
    source: JSON.stringify(flow),
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return record.version;
}

/** ISO timestamp `seconds` after a fixed origin: deterministic and fixed-width. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
}

/** A turn of a conversation: nothing said, still active, unless `partial` says otherwise. */
export function turn(conversationId: string, partial: Partial<TurnWrite>): TurnWrite {
  return {
    conversationId,
    messages: [],
    steps: [],
    status: 'active',
    variables: {},
    currentBlock: null,
    snapshot: null,
    at: at(10),
    ...partial,
  };
}

/** A message `seconds` after the origin, at block `b-TEXT`. */
export const msg = (from: MessageRecord['from'], text: string, seconds: number): MessageRecord => ({
  from,
  text,
  blockId: `b-${text}`,
  at: at(seconds),
});
