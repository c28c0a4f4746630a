import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { type ChildServer, ensureBuilt, startChildServer } from '../support/child-server';
import { WsRecorder } from '../support/ws-recorder';

/**
 * kill -9 durability: clients chat with the real server process, which is killed with SIGKILL at a
 * random moment; after a restart on the same database every bot message any client received must be
 * in the conversation's stored history (same text, same order), the file must pass integrity_check,
 * and unfinished conversations must resume with ?conversationId=.
 */

const KILLS = 5;
const CLIENTS = 8;
const MESSAGES = ['will it rain tomorrow?', 'any cheap flights?', 'I am hungry, where can I eat', 'asdfgh', 'qwerty zxcv', 'bye'];

interface ConversationLog {
  id: string | undefined;
  /** Every frame received, in order. */
  frames: Array<{ type: string; [key: string]: unknown }>;
  ended: boolean;
}

/** botMessagesSeen: distinct bot messages received; comparisons: how often one was checked against a history (every restart rechecks all). */
const figures = { kills: 0, conversations: 0, botMessagesSeen: 0, comparisons: 0, resumed: 0, integrityChecks: 0 };

let dir: string;
let dbPath: string;
let server: ChildServer | undefined;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'flowbot-crash-'));
  dbPath = join(dir, 'flowbot.sqlite');
});

afterAll(async () => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`crash: ${JSON.stringify(figures)}`);
});

/** Random integer in [min, max]. */
const rand = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

/** One conversation: answers each `waiting` with a random message, leaves after a few (some stay active). */
function converse(url: string, log: ConversationLog): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const budget = rand(1, 5);
    let sent = 0;
    const timer = setTimeout(() => ws.terminate(), 15000);
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as ConversationLog['frames'][number];
      log.frames.push(frame);
      if (frame.type === 'conversation') log.id = String(frame.conversationId);
      if (frame.type === 'end') log.ended = true;
      if (frame.type === 'waiting') {
        if (sent < budget) {
          sent++;
          ws.send(JSON.stringify({ type: 'message', text: MESSAGES[rand(0, MESSAGES.length - 1)] }));
        } else {
          ws.close();
        }
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A client that chats in a loop until told to stop (the server being killed ends it too). */
async function clientLoop(url: string, logs: ConversationLog[], stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const log: ConversationLog = { id: undefined, frames: [], ended: false };
    logs.push(log);
    await converse(url, log);
    // A refused connection (server gone) must not spin.
    if (log.id === undefined) await new Promise((r) => setTimeout(r, 20));
  }
}

interface StoredConversation {
  status: string;
  messages: Array<{ from: string; text: string }>;
}

async function stored(url: string, id: string): Promise<StoredConversation> {
  const res = await fetch(`${url}/api/conversations/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`conversation ${id}: GET answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as StoredConversation;
}

function integrityCheck(): void {
  // Opened read-only after the kill: the test must not repair anything the server left behind.
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    figures.integrityChecks++;
  } finally {
    db.close();
  }
}

/** Every bot message a client saw is stored, in the same order, as a prefix of the stored ones. */
async function verify(url: string, logs: ConversationLog[]): Promise<void> {
  for (const log of logs) {
    if (log.id === undefined) continue;
    const seen = log.frames.filter((f) => f.type === 'message').map((f) => String(f.text));
    const history = await stored(url, log.id);
    const bot = history.messages.filter((m) => m.from === 'bot').map((m) => m.text);
    // The server may have stored a turn and died before sending it: more stored than seen is fine.
    if (bot.length < seen.length || seen.some((text, i) => bot[i] !== text)) {
      throw new Error(`conversation ${log.id}: the client saw ${JSON.stringify(seen)} but the history holds ${JSON.stringify(bot)}`);
    }
    if (log.ended) expect(history.status).toBe('completed');
    figures.comparisons += seen.length;
  }
}

/** Conversations the client left (or lost) while the flow waited resume after the restart. */
async function checkResume(url: string, logs: ConversationLog[]): Promise<void> {
  const candidates = logs.filter((l) => l.id !== undefined && !l.ended && l.frames.some((f) => f.type === 'waiting')).slice(0, 4);
  for (const log of candidates) {
    const client = await WsRecorder.connect(`${url.replace('http', 'ws')}/ws?conversationId=${encodeURIComponent(log.id as string)}`);
    try {
      await client.waitFor(() => client.count('waiting') >= 1 || client.close !== undefined, 'the resumed conversation to wait');
      const first = client.frames[0];
      if (first?.type !== 'conversation' || first.resumed !== true) {
        // A conversation whose "end" turn was stored but not seen has ended: that is the one allowed refusal.
        const history = await stored(url, log.id as string);
        expect(history.status).toBe('completed');
        expect(client.close?.code).toBe(4410);
        continue;
      }
      expect(first.conversationId).toBe(log.id);
      client.sendRaw(JSON.stringify({ type: 'message', text: 'will it rain tomorrow?' }));
      await client.waitFor(() => client.frames.some((f) => f.type === 'message'), 'an answer after resuming');
      figures.resumed++;
    } finally {
      client.ws.close();
      await client.waitForClose().catch(() => client.ws.terminate());
    }
  }
}

describe('crash durability (SIGKILL)', () => {
  it(`loses no acknowledged message across ${KILLS} kills`, async () => {
    const allLogs: ConversationLog[] = [];
    for (let round = 0; round < KILLS; round++) {
      server = await startChildServer(dbPath);
      // Everything from earlier rounds is still there after this restart.
      await verify(server.url, allLogs);
      if (round > 0) await checkResume(server.url, allLogs);

      const logs: ConversationLog[] = [];
      let stop = false;
      const loops = Array.from({ length: CLIENTS }, () => clientLoop(server?.wsUrl as string, logs, () => stop));
      // Kill only once traffic is live (a loaded machine can take seconds to get going), then at a
      // random moment of it, so the kill lands mid-turn rather than before the first conversation.
      const liveBy = Date.now() + 30_000;
      while (logs.filter((l) => l.id !== undefined).length <= CLIENTS && Date.now() < liveBy) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, rand(0, 1200)));
      server.proc.kill('SIGKILL');
      const exit = await server.exited;
      expect(exit.signal).toBe('SIGKILL');
      figures.kills++;
      stop = true;
      await Promise.all(loops);
      integrityCheck();
      allLogs.push(...logs);
      figures.conversations += logs.filter((l) => l.id !== undefined).length;
      // The kill must have hit live traffic for the round to mean anything.
      expect(logs.filter((l) => l.id !== undefined).length).toBeGreaterThan(CLIENTS);
    }

    // A last start: everything still there, conversations resume, and a graceful stop exits 0.
    server = await startChildServer(dbPath);
    await verify(server.url, allLogs);
    figures.botMessagesSeen = allLogs.reduce((n, l) => n + l.frames.filter((f) => f.type === 'message').length, 0);
    await checkResume(server.url, allLogs);
    expect(figures.resumed).toBeGreaterThan(0);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    integrityCheck();
  });
});
