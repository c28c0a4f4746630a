import type { Flow, Predicate, Scalar, WaitBlock } from '../flow/types';
import { foldText, parseAnswer, PatternCache } from '../flow/semantics';

/**
 * The texts generation tries as user answers at a wait block: ones that fit the block's `expect`
 * (its intents' examples where it leads to an intent block, the values conditions compare with, a
 * sample of the expected type), and one that does not fit. Never a text that is one of the block's
 * choices, which would be taken as that choice.
 */

/** Samples tried for typed answers and patterns (a pattern's own answers come from these or from conditions). */
const SAMPLES = ['hello', 'yes', 'no', 'abc', '123', '3', '1', 'A1', 'ana@example.com', '2026-05-04', 'Paris'];
/** Tried, in order, for an answer that does not fit. */
const MISFITS = ['not an answer', '?', '-999999', 'x'];

function literals(predicate: Predicate, into: Set<string>): void {
  if ('all' in predicate) predicate.all.forEach((p) => literals(p, into));
  else if ('any' in predicate) predicate.any.forEach((p) => literals(p, into));
  else if ('not' in predicate) literals(predicate.not, into);
  else if (predicate.value !== undefined && !/\{\{/.test(String(predicate.value))) {
    const value: Scalar = predicate.value;
    into.add(String(value));
    if (typeof value === 'number') {
      into.add(String(value + 1));
      into.add(String(value - 1));
    }
  }
}

/** The values the flow's conditions compare variables with (and, for numbers, their neighbours). */
export function conditionLiterals(flow: Flow): string[] {
  const found = new Set<string>();
  for (const block of flow.blocks) if (block.type === 'condition') for (const c of block.cases) literals(c.when, found);
  return [...found].filter((text) => text.trim() !== '' && text.length <= 200);
}

/** The values the flow's conditions compare each variable with (numbers with their neighbours), by variable: every variable a condition reads. */
export function conditionValues(flow: Flow): Map<string, Scalar[]> {
  const found = new Map<string, Scalar[]>();
  const add = (name: string, value: Scalar): void => {
    const list = found.get(name) ?? [];
    if (!list.includes(value)) list.push(value);
    found.set(name, list);
  };
  const walk = (p: Predicate): void => {
    if ('all' in p) p.all.forEach(walk);
    else if ('any' in p) p.any.forEach(walk);
    else if ('not' in p) walk(p.not);
    else {
      // Every variable read is listed, with no values for `isSet` and `isEmpty`.
      if (!found.has(p.var)) found.set(p.var, []);
      if (p.value === undefined || /\{\{/.test(String(p.value))) return;
      add(p.var, p.value);
      if (typeof p.value === 'number') [p.value + 1, p.value - 1].forEach((n) => add(p.var, n));
    }
  };
  for (const block of flow.blocks) if (block.type === 'condition') for (const c of block.cases) walk(c.when);
  return found;
}

/** The variables conditions read: only they make two states of the same block behave differently. */
export function conditionVariables(flow: Flow): Set<string> {
  const names = new Set<string>();
  const walk = (p: Predicate): void => {
    if ('all' in p) p.all.forEach(walk);
    else if ('any' in p) p.any.forEach(walk);
    else if ('not' in p) walk(p.not);
    else names.add(p.var);
  };
  for (const block of flow.blocks) if (block.type === 'condition') for (const c of block.cases) walk(c.when);
  return names;
}

function isChoice(block: WaitBlock, text: string): boolean {
  const folded = foldText(text);
  return (block.choices ?? []).some((c) => foldText(c.label) === folded || foldText(c.value ?? c.label) === folded);
}

export interface WaitTexts {
  /** Answers that fit, the first one the most readable. */
  fitting: string[];
  /** An answer that does not fit (only where the block checks answers). */
  misfit?: string;
}

/** What generation tries at `block`; `intentTexts` are the examples of the intent block it leads to. */
export function waitTexts(block: WaitBlock, intentTexts: readonly string[], literalTexts: readonly string[]): WaitTexts {
  const expect = block.expect ?? { type: 'text' as const };
  const patterns = new PatternCache();
  const fits = (text: string): boolean => !isChoice(block, text) && parseAnswer(expect, text, patterns) !== undefined;
  const fitting: string[] = [];
  if (expect.type !== 'choice') {
    const lead = [...intentTexts, ...(expect.type === 'integer' || expect.type === 'number' ? typedSamples(expect) : []), ...SAMPLES].find(
      fits,
    );
    if (lead !== undefined) fitting.push(lead);
    for (const text of literalTexts) if (fits(text) && !fitting.includes(text)) fitting.push(text);
  }
  const result: WaitTexts = { fitting };
  if (expect.type !== 'text') {
    const misfit = MISFITS.find((text) => !isChoice(block, text) && parseAnswer(expect, text, patterns) === undefined);
    if (misfit !== undefined) result.misfit = misfit;
  }
  return result;
}

/** A number inside the block's bounds. */
function typedSamples(expect: { min?: number; max?: number }): string[] {
  const low = expect.min ?? (expect.max !== undefined ? Math.min(1, expect.max) : 1);
  return [String(Math.ceil(low)), String(low)];
}
