/**
 * Whether a JSON document that failed one command's checks is plainly the other kind of file:
 * a flow (`blocks`, no `tests`) given to `flowbot test`, or a test file (`tests` and `flow`) given
 * to `flowbot test --generate`. Then one line that says so beats a list of every property that is
 * missing or unknown.
 */
export function documentKind(value: unknown): 'flow' | 'tests' | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);
  if (has('blocks') && !has('tests')) return 'flow';
  if (has('tests') && has('flow') && !has('blocks')) return 'tests';
  return undefined;
}
