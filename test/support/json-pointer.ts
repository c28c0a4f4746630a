/**
 * RFC 6901 JSON pointers, for checking the paths the validator reports. Written independently of
 * src/flow/problems.ts on purpose: a test that reused the code under test could not catch its bugs.
 */

/** Splits a pointer into unescaped segments; undefined when the text is not a syntactically valid pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    // "~" must be followed by 0 or 1; anything else is not a pointer.
    if (/~(?![01])/.test(raw)) return undefined;
    segments.push(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return segments;
}

function child(container: unknown, segment: string): { found: boolean; value: unknown } {
  if (Array.isArray(container)) {
    // Array indexes are decimal without leading zeros ("-" never names an existing element).
    if (!/^(0|[1-9]\d*)$/.test(segment)) return { found: false, value: undefined };
    const index = Number(segment);
    return index < container.length ? { found: true, value: container[index] } : { found: false, value: undefined };
  }
  if (typeof container === 'object' && container !== null) {
    // Own properties only: a pointer to "constructor" must not "resolve" through Object.prototype.
    if (!Object.prototype.hasOwnProperty.call(container, segment)) return { found: false, value: undefined };
    const descriptor = Object.getOwnPropertyDescriptor(container, segment);
    return { found: true, value: descriptor?.value };
  }
  return { found: false, value: undefined };
}

export type Resolution = 'found' | 'missing-child' | 'unresolved' | 'invalid';

/**
 * Where a pointer lands in a document: `found` (an existing value), `missing-child` (the parent exists and
 * is an object, the last segment is absent: how a missing required property is reported), otherwise
 * `unresolved`; `invalid` when the text is not a pointer at all.
 */
export function resolvePointer(doc: unknown, pointer: string): Resolution {
  const segments = parsePointer(pointer);
  if (!segments) return 'invalid';
  let at: unknown = doc;
  for (let i = 0; i < segments.length; i++) {
    const next = child(at, segments[i] as string);
    if (!next.found) {
      const isLast = i === segments.length - 1;
      return isLast && typeof at === 'object' && at !== null && !Array.isArray(at) ? 'missing-child' : 'unresolved';
    }
    at = next.value;
  }
  return 'found';
}
