/**
 * Regular expressions of a flow (`matches` conditions, `pattern` answers): JavaScript syntax, matched
 * case-insensitively in Unicode mode, searched anywhere in the text (anchor with `^...$` to match the
 * whole text). Validation refuses patterns that do not compile (`invalid_regex`) or that a ReDoS
 * checker finds open to catastrophic backtracking (`unsafe_regex`); on top of that, a text longer
 * than MAX_PATTERN_INPUT_CHARS never matches, which bounds what even a quadratic pattern can cost.
 */
export const PATTERN_FLAGS = 'iu';

/** Longest text a pattern is matched against, in UTF-16 code units; a longer text does not match. */
export const MAX_PATTERN_INPUT_CHARS = 2000;

/** The syntax error of a pattern, or undefined when it compiles. */
export function patternError(source: string): string | undefined {
  try {
    new RegExp(source, PATTERN_FLAGS);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Compiled patterns, each compiled once. One per flow machine: the sources come from one validated
 * flow, so the cache is bounded by the flow itself.
 */
export class PatternCache {
  private readonly compiled = new Map<string, RegExp | null>();

  /** True when `text` matches `source`; false for a text over the cap or a pattern that does not compile. */
  test(source: string, text: string): boolean {
    if (text.length > MAX_PATTERN_INPUT_CHARS) return false;
    let regex = this.compiled.get(source);
    if (regex === undefined) {
      regex = patternError(source) === undefined ? new RegExp(source, PATTERN_FLAGS) : null;
      this.compiled.set(source, regex);
    }
    // No `g` or `y` flag: test() keeps no lastIndex between calls.
    return regex !== null && regex.test(text);
  }
}
