/**
 * Loads the evaluation fixtures and scores a classifier on them. Shared by the jest test and the
 * benchmark script so that both report the same figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IntentCandidate } from '../../src/intent/detector';
import type { Flow } from '../../src/flow/types';

export const FIXTURES_DIR = resolve(__dirname, 'fixtures');
const REPO_ROOT = resolve(__dirname, '..', '..');

export interface EvalCase {
  text: string;
  expected: string;
}

export interface EvalSet {
  file: string;
  name: string;
  split: 'heldout' | 'dev';
  intents: IntentCandidate[];
  cases: EvalCase[];
}

interface FixtureFile {
  name: string;
  split: 'heldout' | 'dev';
  source: { flow: string; block: string } | { intents: string };
  cases: EvalCase[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The options of an intent block, either straight from a flow file or from an intents file. */
function loadIntents(source: FixtureFile['source']): IntentCandidate[] {
  if ('flow' in source) {
    const flow = readJson<Flow>(join(REPO_ROOT, source.flow));
    const block = flow.blocks.find((b) => b.id === source.block);
    if (!block || block.type !== 'intent') throw new Error(`${source.flow}: no intent block ${source.block}`);
    return block.intents.map(({ id, description, examples }) => ({ id, description, examples: examples ?? [] }));
  }
  return readJson<{ intents: IntentCandidate[] }>(join(FIXTURES_DIR, source.intents)).intents;
}

export function loadEvalSets(split?: 'heldout' | 'dev'): EvalSet[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => /\.(heldout|dev)\.json$/.test(f))
    .sort()
    .map((file) => {
      const fixture = readJson<FixtureFile>(join(FIXTURES_DIR, file));
      return { file, name: fixture.name, split: fixture.split, intents: loadIntents(fixture.source), cases: fixture.cases };
    })
    .filter((s) => split === undefined || s.split === split);
}

export interface Miss {
  text: string;
  expected: string;
  got: string;
}

export interface EvalResult {
  name: string;
  correct: number;
  total: number;
  accuracy: number;
  /** confusion[expected][got] = count */
  confusion: Record<string, Record<string, number>>;
  misses: Miss[];
}

export type Classify = (text: string, intents: readonly IntentCandidate[], cacheKey: string) => string;

export function evaluate(set: EvalSet, classify: Classify): EvalResult {
  const confusion: Record<string, Record<string, number>> = {};
  const misses: Miss[] = [];
  let correct = 0;
  for (const c of set.cases) {
    const got = classify(c.text, set.intents, `eval:${set.file}`);
    const row = (confusion[c.expected] ??= {});
    row[got] = (row[got] ?? 0) + 1;
    if (got === c.expected) correct += 1;
    else misses.push({ text: c.text, expected: c.expected, got });
  }
  return { name: set.name, correct, total: set.cases.length, accuracy: correct / set.cases.length, confusion, misses };
}

/** A plain-text report: accuracy, confusion matrix (rows = expected) and the misses. */
export function formatReport(result: EvalResult): string {
  const labels = [...new Set([...Object.keys(result.confusion), ...Object.values(result.confusion).flatMap(Object.keys)])].sort();
  const width = Math.max(9, ...labels.map((l) => l.length + 1));
  const pad = (s: string): string => s.padStart(width);
  const lines = [
    `${result.name}: ${result.correct}/${result.total} = ${(result.accuracy * 100).toFixed(1)}%`,
    `${pad('exp\\got')}${labels.map(pad).join('')}`,
    ...labels.map((e) => `${pad(e)}${labels.map((g) => pad(String(result.confusion[e]?.[g] ?? '.'))).join('')}`),
    ...result.misses.map((m) => `  miss: "${m.text}" expected ${m.expected}, got ${m.got}`),
  ];
  return lines.join('\n');
}
