/**
 * Everything that depends only on a block's options, computed once per block and cached by the
 * request's cacheKey: each intent's texts (description, examples, id, synonyms) as units over one
 * block vocabulary, how distinctive each vocabulary entry is within the block, the entries' unit
 * vectors, and the block's spelling vocabulary.
 */
import type { IntentCandidate } from '../detector';
import type { Featurizer, Unit } from './features';
import { LruCache } from '../../util/lru';
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
  entries: Int32Array;
  /** Per entry: its weight times its distinctiveness in the block (what recall counts). */
  recallWeights: Float32Array;
  recallMass: number;
  /** Unit-length weighted mean of the text's word vectors (null when none has one). */
  centroid: Float32Array | null;
}

export interface IntentProfile {
  id: string;
  texts: readonly IntentText[];
  /** Every entry of the intent's texts (synonyms included). */
  entries: Int32Array;
}

export interface OptionSet {
  profiles: readonly IntentProfile[];
  entries: readonly BlockEntry[];
  /** Exact key -> entries that carry it. */
  byKey: ReadonlyMap<string, readonly number[]>;
  /** Per entry, in (0, 1]: 1 when one intent uses it, lower the more intents share it. */
  distinctiveness: Float32Array;
  /** The entries' unit vectors, one row of `dimensions` each (zeros where hasVector is 0). */
  matrix: Float32Array;
  hasVector: Uint8Array;
  /** Cosine rows of message words seen in this block, by word-vector id (see scoring.ts). */
  cosineRows: LruCache<number, Float32Array>;
  /** Examples per intent, on average: the calibration depends on it. */
  examplesPerIntent: number;
  vocabulary: Vocabulary;
}

/**
 * Message words whose cosine rows a block keeps. A row is 4 bytes per block entry, so the count is
 * set by a byte budget: with the classifier's 256 cached blocks, at most 32 MB in all.
 */
const COSINE_ROW_BYTES = 128 * 1024;

function cosineRowCapacity(entries: number): number {
  return Math.max(8, Math.min(512, Math.floor(COSINE_ROW_BYTES / (4 * Math.max(1, entries)))));
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
    entries.push({ keys: unit.keys, vector: unit.vector >= 0 && unit.soft ? vectors.unitVector(unit.vector) : null, weight: unit.weight });
    entryIds.set(signature, id);
    for (const key of unit.keys) {
      const list = byKey.get(key) ?? [];
      list.push(id);
      byKey.set(key, list);
    }
    return id;
  };
  const textOf = (text: string): { units: Unit[]; ids: number[] } | null => {
    words.push(...featurizer.wordsOf(text));
    // Negated words in an author's text ("not for refunds") describe what the intent is not.
    const units = featurizer.units(text).filter((u) => !u.negated);
    if (units.length === 0) return null;
    const draft = { units, ids: units.map(entryOf) };
    return draft;
  };

  // Synonyms widen what the intent matches; they are not whole sentences, so each is its own text.
  const drafted = intents.map((intent) =>
    [intent.description, ...(intent.examples ?? []), idText(intent.id), ...(intent.synonyms ?? [])]
      .map(textOf)
      .filter((t): t is { units: Unit[]; ids: number[] } => t !== null),
  );
  const users = new Uint16Array(entries.length);
  const intentEntries = drafted.map((texts) => new Set(texts.flatMap((t) => t.ids)));
  for (const set of intentEntries) for (const e of set) users[e] = (users[e] ?? 0) + 1;
  const n = intents.length;
  const distinctiveness = new Float32Array(entries.length);
  for (let e = 0; e < entries.length; e += 1) {
    distinctiveness[e] = n <= 1 ? 1 : Math.log(1 + n / Math.max(1, users[e] ?? 1)) / Math.log(1 + n);
  }
  const profiles: IntentProfile[] = intents.map((intent, i) => ({
    id: intent.id,
    entries: Int32Array.from(intentEntries[i] ?? []),
    texts: (drafted[i] ?? []).map(({ units, ids }): IntentText => {
      const recallWeights = Float32Array.from(ids, (e, k) => (units[k]?.weight ?? 0) * (distinctiveness[e] ?? 1));
      return {
        entries: Int32Array.from(ids),
        recallWeights,
        recallMass: recallWeights.reduce((a, b) => a + b, 0),
        centroid: centroidOf(units, vectors),
      };
    }),
  }));
  const matrix = new Float32Array(entries.length * vectors.dimensions);
  const hasVector = new Uint8Array(entries.length);
  entries.forEach((entry, e) => {
    if (!entry.vector) return;
    matrix.set(entry.vector, e * vectors.dimensions);
    hasVector[e] = 1;
  });
  const examples = intents.reduce((sum, i) => sum + (i.examples?.length ?? 0), 0);
  return {
    profiles,
    entries,
    byKey,
    distinctiveness,
    matrix,
    hasVector,
    cosineRows: new LruCache({ maxEntries: cosineRowCapacity(entries.length) }),
    examplesPerIntent: intents.length ? examples / intents.length : 0,
    vocabulary: new Vocabulary(words),
  };
}
