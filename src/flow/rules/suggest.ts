import { closestMatch } from '../../util/edit-distance';

/**
 * Suggestions cost a scan of every candidate: they are for hand-written flows (up to 500 candidates),
 * and a flow full of typos gets the first ten only, so validation time stays bounded.
 */
const DEFAULT_BUDGET = 10;
const MAX_CANDIDATES = 500;

/** "Did you mean" for names that match nothing: one per validation, holding what is left of the budget. */
export class Suggester {
  private left: number;

  constructor(budget = DEFAULT_BUDGET) {
    this.left = budget;
  }

  /** `; did you mean "x"?` for a candidate one edit away (two for names of 5 characters or more), or "". */
  didYouMean(missing: string, candidates: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
    if (this.left <= 0 || candidates.size > MAX_CANDIDATES) return '';
    this.left--;
    const best = closestMatch(missing, candidates.keys(), missing.length < 5 ? 1 : 2);
    return best === undefined ? '' : `; did you mean "${best}"?`;
  }
}
