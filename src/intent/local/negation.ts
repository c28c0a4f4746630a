/**
 * Which words a user rules out. "I don't want to cancel, I want to join" is about joining; "not the
 * weather, restaurants please" is about restaurants; "no weather" asks for nothing. But "my card
 * doesn't work" or "I can't log in" describe a problem and rule nothing out: the negation belongs to
 * the problem. The rule that tells them apart, in short: a negation rules out what follows it when it
 * negates wanting ("don't want", "do not need"), a thing ("not the weather", "no pizza"), or an order
 * ("don't cancel", at the start of a clause); a negated verb after a subject ("it doesn't work", "I
 * haven't received") is a statement. "instead of" and "rather than" always rule out what follows.
 * The scope ends at punctuation, at "but"/"instead"/"rather", or where a new clause starts ("I ...").
 */
import type { AnalyzedToken } from './english';

const NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'without']);
/** Verbs whose negation says what the user does not want. */
const DESIRE: ReadonlySet<string> = new Set(['want', 'need', 'like', 'wish', 'mean', 'care', 'ask', 'interested', 'interest']);
/** Words between a negation and what it negates ("not the", "do not really want"). */
const SKIPPABLE: ReadonlySet<string> = new Set(['the', 'a', 'an', 'my', 'your', 'any', 'really', 'to', 'about', 'for', 'so', 'that']);
const SCOPE_END: ReadonlySet<string> = new Set(['but', 'instead', 'rather', 'i', 'we', 'just', 'please', 'only', 'actually', 'yet']);
const SUBJECTS: ReadonlySet<string> = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'it', 'this', 'that', 'there', 'card', 'app']);

export interface NegationMarks {
  /** Tokens a user rules out. */
  negated: boolean[];
  /** Negation words that have a scope (they are consumed, not scored as words). */
  cue: boolean[];
  /** The user said they do not want something ("I don't want my order"). */
  refusal: boolean;
}

function isBoundary(t: AnalyzedToken | undefined): boolean {
  return !t || (t.kind === 'other' && /^[.,;:!?]+$/u.test(t.normal));
}

/** Index of the first token after `from` that is not skippable, within the clause. */
function nextWord(tokens: readonly AnalyzedToken[], from: number): number {
  let j = from;
  while (j < tokens.length && !isBoundary(tokens[j]) && SKIPPABLE.has(tokens[j]?.normal ?? '')) j += 1;
  return j;
}

/** Whether the clause before `i` has a subject (a word before the auxiliary), e.g. "it does not". */
function hasSubjectBefore(tokens: readonly AnalyzedToken[], i: number): boolean {
  for (let j = i - 1; j >= 0; j -= 1) {
    const t = tokens[j];
    if (!t || isBoundary(t)) return false;
    if (SUBJECTS.has(t.normal) || t.pos === 'NOUN' || t.pos === 'PROPN' || t.pos === 'PRON') return true;
  }
  return false;
}

export function markNegations(tokens: readonly AnalyzedToken[]): NegationMarks {
  const negated = tokens.map(() => false);
  const cue = tokens.map(() => false);
  let refusal = false;
  const rule = (start: number, i: number): void => {
    cue[i] = true;
    for (let j = start; j < tokens.length; j += 1) {
      const t = tokens[j];
      if (!t || isBoundary(t) || SCOPE_END.has(t.normal)) break;
      negated[j] = true;
    }
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (!t) continue;
    const next = tokens[i + 1];
    if ((t.normal === 'instead' && next?.normal === 'of') || (t.normal === 'rather' && next?.normal === 'than')) {
      rule(i + 2, i);
      cue[i + 1] = true;
      i += 1;
      continue;
    }
    if (!NEGATIONS.has(t.normal)) continue;
    const j = nextWord(tokens, i + 1);
    const target = tokens[j];
    // "no", "not really", "no, thanks": an answer, not a negation of something.
    if (!target || isBoundary(target)) continue;
    const desire = DESIRE.has(target.lemma) || DESIRE.has(target.normal);
    const statement = (target.pos === 'VERB' || target.pos === 'AUX') && hasSubjectBefore(tokens, i);
    if (desire || !statement) rule(j, i);
    if (desire) refusal = true;
  }
  return { negated, cue, refusal };
}
