/**
 * The lexicon compiled for lookup: single words by surface form, phrases as token sequences
 * indexed by their first token. Phrases are run through the same analyzer as user text so that
 * "that's all" in the lexicon and "that is all" from a user produce the same lemma sequence.
 */
import type { EnglishAnalyzer } from './english';
import { CONCEPTS } from './lexicon';
import { normalizeText } from './normalize';

export interface Phrase {
  normals: readonly string[];
  lemmas: readonly string[];
  concepts: readonly string[];
}

export interface TokenLike {
  normal: string;
  lemma: string;
}

export class ConceptIndex {
  private readonly words = new Map<string, string[]>();
  /** First token (normal or lemma) -> phrases starting with it, longest first. */
  private readonly phrases = new Map<string, Phrase[]>();
  /** Every word the lexicon mentions, for spelling correction. */
  readonly vocabulary = new Set<string>();

  constructor(analyzer: EnglishAnalyzer) {
    const phraseConcepts = new Map<string, string[]>();
    for (const [concept, entries] of Object.entries(CONCEPTS)) {
      for (const entry of entries) {
        if (entry.includes(' ')) {
          const list = phraseConcepts.get(entry) ?? [];
          if (!list.includes(concept)) list.push(concept);
          phraseConcepts.set(entry, list);
        } else {
          addTo(this.words, entry, concept);
        }
        for (const w of entry.split(' ')) this.vocabulary.add(w);
      }
    }
    for (const [text, concepts] of phraseConcepts) {
      const tokens = analyzer.analyze(normalizeText(text)).filter((t) => t.kind === 'word');
      if (tokens.length < 2) {
        // Contractions can collapse a phrase to one token; treat it as a word then.
        for (const t of tokens) for (const c of concepts) addTo(this.words, t.normal, c);
        continue;
      }
      const phrase: Phrase = { normals: tokens.map((t) => t.normal), lemmas: tokens.map((t) => t.lemma), concepts };
      const firsts = new Set([phrase.normals[0] ?? '', phrase.lemmas[0] ?? '']);
      for (const first of firsts) {
        const list = this.phrases.get(first) ?? [];
        list.push(phrase);
        this.phrases.set(first, list);
      }
    }
    for (const list of this.phrases.values()) list.sort((a, b) => b.normals.length - a.normals.length);
  }

  /** Concepts of a single token, looked up by surface form and by lemma. */
  conceptsOf(token: TokenLike): readonly string[] {
    const byNormal = this.words.get(token.normal);
    const byLemma = token.lemma === token.normal ? undefined : this.words.get(token.lemma);
    if (!byLemma) return byNormal ?? [];
    if (!byNormal) return byLemma;
    return [...new Set([...byNormal, ...byLemma])];
  }

  /** The longest phrase starting at `start`, if any. */
  phraseAt(tokens: readonly TokenLike[], start: number): Phrase | undefined {
    const first = tokens[start];
    if (!first) return undefined;
    const candidates = [...(this.phrases.get(first.normal) ?? []), ...(this.phrases.get(first.lemma) ?? [])];
    let best: Phrase | undefined;
    for (const phrase of candidates) {
      if (best && best.normals.length >= phrase.normals.length) continue;
      if (matchesAt(tokens, start, phrase)) best = phrase;
    }
    return best;
  }
}

function matchesAt(tokens: readonly TokenLike[], start: number, phrase: Phrase): boolean {
  if (start + phrase.normals.length > tokens.length) return false;
  for (let j = 0; j < phrase.normals.length; j += 1) {
    const t = tokens[start + j];
    if (!t || (t.normal !== phrase.normals[j] && t.lemma !== phrase.lemmas[j])) return false;
  }
  return true;
}

function addTo(map: Map<string, string[]>, key: string, concept: string): void {
  const list = map.get(key) ?? [];
  if (!list.includes(concept)) list.push(concept);
  map.set(key, list);
}
