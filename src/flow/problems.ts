/** One problem found in a flow: where (a JSON pointer into the document), what (a stable code) and why. */
export interface FlowProblem {
  path: string;
  code: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: FlowProblem[];
  warnings: FlowProblem[];
}

/** Builds a JSON pointer (RFC 6901) from path segments. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + escapeSegment(s)).join('');
}

/** Escapes one JSON pointer segment: "~" becomes "~0" and "/" becomes "~1". */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}
