/* eslint-disable @typescript-eslint/unbound-method -- wink-nlp's `its.*` helpers are plain functions that its typings declare as methods */
/**
 * Thin typed wrapper around wink-nlp + wink-eng-lite-web-model.
 *
 * wink's `out()` is typed `T[] | string[]`, so the rest of the classifier would have to narrow every
 * call; this module does it once and exposes plain token records instead. The model (~4 MB of
 * JavaScript, ~150-250 ms to load) is loaded once per EnglishAnalyzer; share one instance.
 */
import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export type TokenKind = 'word' | 'number' | 'other';

export interface AnalyzedToken {
  /** Lower-cased surface form. */
  normal: string;
  /** Dictionary form ("flights" -> "flight", "was" -> "be"). */
  lemma: string;
  /** Universal POS tag, e.g. NOUN, VERB, PROPN. */
  pos: string;
  kind: TokenKind;
  /** True when the word is not in the model's ~87k-word lexicon: a typo, a name or gibberish. */
  oov: boolean;
}

/** A token that cannot appear in any dictionary; see the constructor. */
const OOV_SENTINEL = 'qzxqjvkwqzxjvq';

export class EnglishAnalyzer {
  private readonly nlp: ReturnType<typeof winkNLP>;
  /**
   * Lexemes with an id below this are in the model's built-in lexicon; wink appends every unseen
   * word after them. wink does not expose the size, so the constructor reads it off the first
   * unseen word, which gets exactly that id on a fresh instance (its lexeme cache is per instance).
   */
  private readonly intrinsicLexiconSize: number;

  constructor() {
    // 'pos' is needed for good lemmas; sbd/ner/negation/sentiment are not used and cost time.
    this.nlp = winkNLP(model, ['pos']);
    const sentinelId = this.nlp.readDoc(OOV_SENTINEL).tokens().out(this.nlp.its.uniqueId)[0];
    if (typeof sentinelId !== 'number') throw new Error('wink-nlp: cannot read lexeme ids');
    this.intrinsicLexiconSize = sentinelId;
  }

  analyze(text: string): AnalyzedToken[] {
    const { its } = this.nlp;
    const tokens = this.nlp.readDoc(text).tokens();
    const normals = tokens.out(its.normal);
    // wink's own typings declare its.lemma with an incompatible 3rd parameter; it works at run time.
    const lemmas = tokens.out(its.lemma as unknown as ItsFunction<string>);
    const pos = tokens.out(its.pos);
    const types = tokens.out(its.type);
    const ids = tokens.out(its.uniqueId);
    const result: AnalyzedToken[] = [];
    for (let i = 0; i < normals.length; i += 1) {
      const normal = String(normals[i] ?? '');
      const type = String(types[i] ?? '');
      const id = ids[i];
      result.push({
        normal,
        lemma: String(lemmas[i] ?? normal),
        pos: String(pos[i] ?? 'X'),
        kind: type === 'word' ? 'word' : type === 'number' || type === 'ordinal' ? 'number' : 'other',
        oov: typeof id === 'number' ? id >= this.intrinsicLexiconSize : true,
      });
    }
    return result;
  }
}
