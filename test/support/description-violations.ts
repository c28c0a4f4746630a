/**
 * Answers and frames the API descriptions do not allow, found by the shared HTTP and WebSocket test
 * helpers. Helpers that can throw where the test awaits them do so at once; listeners (a frame that
 * arrives, a socket that closes) cannot, so they record here, and the jest setup
 * (test/support/jest-setup.ts) fails the test that was running.
 */
const found: string[] = [];

export function recordViolation(problem: string): void {
  found.push(problem);
}

/** The violations recorded since the last call, cleared. */
export function takeViolations(): string[] {
  return found.splice(0, found.length);
}
