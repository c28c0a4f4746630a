/**
 * The value at an RFC 6901 JSON pointer (`""` is the whole document, `/items/0/id` a member of an
 * element), or undefined when the pointer finds nothing. Own properties only, so `/constructor` finds
 * nothing rather than Object.prototype's. Hand-written: it is a dozen lines, and the packages that do
 * it also set and compile pointers, none of which a flow needs.
 */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let at: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      at = at[Number(segment)];
    } else if (typeof at === 'object' && at !== null && Object.hasOwn(at, segment)) {
      at = (at as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return at;
}
