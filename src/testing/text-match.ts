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

/**
 * Why a text written as `/regex/flags` does not compile (SyntaxError's words), or undefined for one
 * that does and for an exact text: a test file with a broken regex is refused up front, with where it is,
 * rather than failing its step as if the bot had said something else.
 */
export function textPatternError(expected: string): string | undefined {
  const regex = REGEX_TEXT.exec(expected);
  if (!regex) return undefined;
  try {
    new RegExp(regex[1] as string, regex[2]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
