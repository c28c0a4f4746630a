import type { RedosChecker } from '../flow/regex/redos';

/** `/regex/flags`: how a test names a text by a regular expression rather than by its exact text. */
const REGEX_TEXT = /^\/(.+)\/([dgimsuvy]*)$/s;

/** What a test names a text with: its exact text, or `/regex/flags` (a bot message, a mocked call's URL). */
export function textMatches(expected: string, actual: string): boolean {
  const regex = REGEX_TEXT.exec(expected);
  if (regex) {
    try {
      return new RegExp(regex[1] as string, regex[2]).test(actual);
    } catch {
      return false;
    }
  }
  return expected === actual;
}

/** `"exact text"`, or `something matching /regex/flags`: how a failure names what a test expected. */
export function describeExpectedText(expected: string): string {
  return REGEX_TEXT.test(expected) ? `something matching ${expected}` : JSON.stringify(expected);
}

/**
 * What is wrong with a text written as `/regex/flags`: one that does not compile (`invalid_regex`, with
 * SyntaxError's words), or one open to catastrophic backtracking (`unsafe_regex`: matched against a bot
 * message that may echo what the test's user typed, it could hold the server, as a flow's pattern could).
 * Undefined for a sound pattern and for an exact text. A test document with such a pattern is refused
 * up front, with where it is, rather than failing (or hanging) at its step.
 */
export function textPatternProblem(expected: string, checker: RedosChecker): { code: string; message: string } | undefined {
  const regex = REGEX_TEXT.exec(expected);
  if (!regex) return undefined;
  const [, source, flags] = regex as unknown as [string, string, string];
  try {
    new RegExp(source, flags);
  } catch (error) {
    return { code: 'invalid_regex', message: `not a regular expression: ${error instanceof Error ? error.message : String(error)}` };
  }
  // `d` only adds match indices (matching is the same), and the checker does not read it.
  const verdict = checker.check(source, flags.replace('d', ''));
  return verdict.safe ? undefined : { code: 'unsafe_regex', message: `unsafe regular expression: ${verdict.reason}` };
}
