/** What a test names a text with: its exact text, or `/regex/flags` (a bot message, a mocked call's URL). */
export function textMatches(expected: string, actual: string): boolean {
  const regex = /^\/(.+)\/([dgimsuvy]*)$/s.exec(expected);
  if (regex) {
    try {
      return new RegExp(regex[1] as string, regex[2]).test(actual);
    } catch {
      return false;
    }
  }
  return expected === actual;
}
