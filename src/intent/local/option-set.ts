/**
 * Everything that depends only on a block's options, computed once per block and cached by the
 * request's cacheKey: each intent's texts (description, examples, id, synonyms) as units over one
 * block vocabulary, how distinctive each vocabulary entry is within the block, the entries' unit
 * vectors, and the block's spelling vocabulary.
 */
import type { IntentCandidate } from '../detector';
import type { Featurizer, Unit } from './features';
import { Vocabulary } from './spelling';
import { centroidOf, type WordVectors } from './word-vectors';

/** One distinct word or phrase of the block. */
export interface BlockEntry {
  keys: readonly string[];
  vector: Float32Array | null;
  /** Informativeness of the word (as for a message unit), before block distinctiveness. */
  weight: number;
}

/** One text of an intent, as entry indexes with their weights. */
export interface IntentText {
  entries: readonly number[];
  weights: readonly number[];
  /** Sum of weights. */
  mass: number;
  /** Unit-length weighted mean of the text's word vectors (null when none has one). */
  centroid: Float32Array | null;
}

export interface IntentProfile {
  id: string;
  texts: readonly IntentText[];
  /** Every entry of the intent's texts (synonyms included). */
  entries: ReadonlySet<number>;
}

export interface OptionSet {
  profiles: readonly IntentProfile[];
  entries: readonly BlockEntry[];
  /** Exact key -> entries that carry it. */
  byKey: ReadonlyMap<string, readonly number[]>;
  /** Per entry, in (0, 1]: 1 when one intent uses it, lower the more intents share it. */
  distinctiveness: Float32Array;
  /** Examples per intent, on average: the calibration depends on it. */
  examplesPerIntent: number;
  vocabulary: Vocabulary;
}

/** The id is often a readable phrase ("oil_change_when", "weather"); it counts as a text. */
export function idText(id: string): string {
  return id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ');
}

export function buildOptionSet(intents: readonly IntentCandidate[], featurizer: Featurizer, vectors: WordVectors): OptionSet {
  const entries: BlockEntry[] = [];
  const entryIds = new Map<string, number>();
  const byKey = new Map<string, number[]>();
  const words: string[] = [];
  const entryOf = (unit: Unit): number => {
    const signature = unit.keys.join('|');
    const known = entryIds.get(signature);
    if (known !== undefined) return known;
    const id = entries.length;
    entries.push({ keys: unit.keys, vector: unit.vector >= 0 ? vectors.unitVector(unit.vector) : null, weight: unit.weight });
    entryIds.set(signature, id);
    for (const key of unit.keys) {
      const list = byKey.get(key) ?? [];
      list.push(id);
      byKey.set(key, list);
    }
    return id;
  };
  const textOf = (text: string): IntentText | null => {
    words.push(...featurizer.wordsOf(text));
    // Negated words in an author's text ("not for refunds") describe what the intent is not.
    const units = featurizer.units(text).filter((u) => !u.negated);
    if (units.length === 0) return null;
    const ids = units.map(entryOf);
    const weights = units.map((u) => u.weight);
    return { entries: ids, weights, mass: weights.reduce((a, b) => a + b, 0), centroid: centroidOf(units, vectors) };
  };

  const profiles: IntentProfile[] = intents.map((intent) => {
    const sources = [intent.description, ...(intent.examples ?? []), idText(intent.id)];
    const texts = sources.map(textOf).filter((t): t is IntentText => t !== null);
    // Synonyms widen what the intent matches; they are not whole sentences, so each is its own text.
    for (const synonym of intent.synonyms ?? []) {
      const t = textOf(synonym);
      if (t) texts.push(t);
    }
    const all = new Set<number>();
    for (const t of texts) for (const e of t.entries) all.add(e);
    return { id: intent.id, texts, entries: all };
  });

  const distinctiveness = new Float32Array(entries.length);
  const users = new Uint16Array(entries.length);
  for (const p of profiles) for (const e of p.entries) users[e] = (users[e] ?? 0) + 1;
  const n = profiles.length;
  for (let e = 0; e < entries.length; e += 1) {
    distinctiveness[e] = n <= 1 ? 1 : Math.log(1 + n / Math.max(1, users[e] ?? 1)) / Math.log(1 + n);
  }
  const examples = intents.reduce((sum, i) => sum + (i.examples?.length ?? 0), 0);
  return {
    profiles,
    entries,
    byKey,
    distinctiveness,
    examplesPerIntent: intents.length ? examples / intents.length : 0,
    vocabulary: new Vocabulary(words),
  };
}
