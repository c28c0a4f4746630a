import { checkedFetch } from '../http-client';
import type { TestDatabase } from './database';

export interface StoredMessage {
  from: 'user' | 'bot';
  text: string;
  blockId: string;
}

export interface StoredStep {
  from: string | null;
  to: string;
  event: string;
}

export interface StoredConversation {
  id: string;
  status: string;
  flowVersion: number;
  messages: StoredMessage[];
  steps: StoredStep[];
}

export async function storedConversation(baseUrl: string, id: string): Promise<StoredConversation> {
  const res = await checkedFetch(`${baseUrl}/api/conversations/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`GET conversation ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as StoredConversation;
}

/**
 * What is wrong with a conversation of counterFlow (test/support/cluster/flows.ts): the welcome,
 * then each stored user message answered once with the next number (`1: a`, `2: b`, ...: no turn
 * duplicated, lost in the middle or reordered), then at most the goodbye; and the steps form one
 * chain from the start (each step leaves the block the one before entered).
 */
export function counterProblems(c: StoredConversation, flowName = 'Counter'): string[] {
  const problems: string[] = [];
  const [hello, ...rest] = c.messages;
  if (hello?.from !== 'bot' || hello.text !== `${flowName}: say anything.`) problems.push(`first message ${JSON.stringify(hello)}`);
  let n = 0;
  for (let i = 0; i < rest.length; i += 2) {
    const user = rest[i];
    const bot = rest[i + 1];
    if (user?.from !== 'user') {
      problems.push(`message ${i + 1} is not the user's: ${JSON.stringify(user)}`);
      break;
    }
    if (user.text === 'bye') {
      if (bot?.text !== `Bye after ${n}.` || i + 2 !== rest.length) problems.push(`the end is ${JSON.stringify(rest.slice(i))}`);
      break;
    }
    n += 1;
    if (bot?.from !== 'bot' || bot.text !== `${n}: ${user.text}`) {
      problems.push(`turn ${n}: ${JSON.stringify(user)} answered by ${JSON.stringify(bot)}`);
      break;
    }
  }
  const texts = c.messages.filter((m) => m.from === 'user' && m.text !== 'bye').map((m) => m.text);
  if (new Set(texts).size !== texts.length) problems.push(`a user message is stored twice: ${JSON.stringify(texts)}`);
  problems.push(...chainProblems(c.steps));
  return problems.map((p) => `${c.id}: ${p}`);
}

/** Steps that do not continue from where the one before ended. */
export function chainProblems(steps: StoredStep[]): string[] {
  const problems: string[] = [];
  if (steps.length > 0 && steps[0]?.from !== null) problems.push(`the first step is ${JSON.stringify(steps[0])}`);
  for (let i = 1; i < steps.length; i += 1) {
    if (steps[i]?.from !== steps[i - 1]?.to) problems.push(`step ${i} ${JSON.stringify(steps[i])} after ${JSON.stringify(steps[i - 1])}`);
  }
  return problems;
}

/**
 * The order numbers PostgreSQL holds for a conversation's messages and steps: each must run 1, 2,
 * 3 ... with no gap and no repeat (the API hides them; a race on MAX(seq) would show here).
 */
export async function sequenceProblems(db: TestDatabase, id: string): Promise<string[]> {
  const problems: string[] = [];
  for (const table of ['messages', 'steps']) {
    const rows = await db.query<{ seq: number }>(`SELECT seq FROM ${table} WHERE conversation_id = $1 ORDER BY seq`, [id]);
    const seqs = rows.map((r) => Number(r.seq));
    if (!seqs.every((seq, i) => seq === i + 1)) problems.push(`${id}: ${table}.seq is ${JSON.stringify(seqs)}`);
  }
  return problems;
}

/** `seen` appears in `stored` in the same order (other items may stand between). */
export function isSubsequence(seen: readonly string[], stored: readonly string[]): boolean {
  let j = 0;
  for (const item of seen) {
    while (j < stored.length && stored[j] !== item) j += 1;
    if (j === stored.length) return false;
    j += 1;
  }
  return true;
}
