import { checkSync, type Diagnostics } from 'recheck';
import { PATTERN_FLAGS } from '../semantics';

/**
 * Whether a pattern is open to catastrophic backtracking, by recheck (a maintained ReDoS checker:
 * automata theory where it applies, fuzzing otherwise; its native build where the platform has one,
 * its JavaScript build elsewhere, both offline). Hand-written heuristics miss too much to be trusted.
 *
 * Verdicts: exponential backtracking, or polynomial of degree 3 or more, is unsafe. Quadratic is
 * accepted: `\d+\.\d+` and `^[^@\s]+@[^@\s]+\.[^@\s]+$` are quadratic when a match fails, and a text
 * is matched only up to MAX_PATTERN_INPUT_CHARS (2000 characters: a few million steps at most).
 */
export type RedosVerdict = { safe: true } | { safe: false; reason: string };

/** The most one check may take, and all the checks of one validation together, in milliseconds. */
export const REDOS_CHECK_TIMEOUT_MS = 2000;
export const REDOS_BUDGET_MS = 5000;

/** Verdicts by source, so that validating the same flow again costs nothing; bounded. */
const MAX_CACHED = 1000;
const cache = new Map<string, RedosVerdict>();

function verdictOf(diagnostics: Diagnostics): RedosVerdict | undefined {
  switch (diagnostics.status) {
    case 'safe':
      return { safe: true };
    case 'vulnerable': {
      const { complexity } = diagnostics;
      if (complexity.type === 'polynomial' && complexity.degree < 3) return { safe: true };
      const kind = complexity.type === 'exponential' ? 'exponential' : `polynomial (degree ${complexity.degree})`;
      const attack = diagnostics.attack.pattern;
      const shown = attack.length > 80 ? `${attack.slice(0, 79)}…` : attack;
      return { safe: false, reason: `it can backtrack catastrophically (${kind} time, e.g. on ${shown})` };
    }
    case 'unknown':
      if (diagnostics.error.kind === 'unsupported' || diagnostics.error.kind === 'invalid') {
        return { safe: false, reason: `the ReDoS checker cannot read it (${diagnostics.error.message})` };
      }
      // A timeout depends on the machine's load: not cached, so that a later validation may succeed.
      return undefined;
  }
}

/**
 * Checks patterns against a time budget shared by one validation: the check is synchronous (it
 * blocks the event loop), so an upload full of patterns cannot hold the server for long.
 */
export class RedosChecker {
  private left = REDOS_BUDGET_MS;

  /** `flags`: those the pattern runs with (a flow's patterns run with PATTERN_FLAGS; a test's `/regex/flags` with its own). */
  check(source: string, flags: string = PATTERN_FLAGS): RedosVerdict {
    const key = `${flags}/${source}`;
    const cached = cache.get(key);
    if (cached) return cached;
    // Whole milliseconds, at least 1: recheck's agent never answers a check whose timeout has a fraction
    // (what is left of the budget after a first check, 4061.7 ms), and checkSync then blocks the thread
    // (the server's event loop) for good.
    const timeout = Math.floor(Math.min(REDOS_CHECK_TIMEOUT_MS, this.left));
    if (timeout < 1) return { safe: false, reason: `the patterns took more than ${REDOS_BUDGET_MS} ms to check; simplify them` };
    const started = performance.now();
    let diagnostics: Diagnostics;
    try {
      diagnostics = checkSync(source, flags, { timeout });
    } catch (err) {
      return { safe: false, reason: `it could not be checked (${err instanceof Error ? err.message : String(err)})` };
    } finally {
      this.left -= performance.now() - started;
    }
    const verdict = verdictOf(diagnostics);
    if (!verdict) return { safe: false, reason: 'it is too complex to be shown safe from catastrophic backtracking; simplify it' };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, verdict);
    return verdict;
  }
}
