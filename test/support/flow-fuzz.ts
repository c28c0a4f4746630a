import fc from 'fast-check';
import type {
  AssignValue,
  Block,
  Choice,
  Expect,
  Flow,
  HttpBlock,
  HttpMethod,
  IntentOption,
  JsonValue,
  Predicate,
  WaitBlock,
} from '../../src/flow/types';

/**
 * fast-check arbitraries for flows: small flows that are valid by construction, and mutations that
 * break them in the ways real uploads do (missing keys, wrong types, huge values, deep nesting,
 * prototype keys, duplicate ids, dangling references, cycles, odd unicode).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Names on Object.prototype that are also valid block, intent and variable ids. Kept separate so that
 * a test can aim at them: any code that indexes a plain object by id trips over them.
 */
export const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
] as const;

export type IdMode = 'plain' | 'prototype-names' | 'mixed';

const plainId = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,12}$/);
const plainVar = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/);

function idArb(mode: IdMode): fc.Arbitrary<string> {
  const proto = fc.constantFrom(...PROTOTYPE_NAMES);
  if (mode === 'plain') return plainId.filter((id) => !(PROTOTYPE_NAMES as readonly string[]).includes(id));
  // Mostly prototype names, with plain ids mixed in: there are only 7 such names, and a flow of 8 blocks
  // needs 8 unique ids (a pure pool would make fast-check retry forever).
  if (mode === 'prototype-names') return fc.oneof({ weight: 3, arbitrary: proto }, { weight: 1, arbitrary: plainId });
  return fc.oneof({ weight: 4, arbitrary: plainId }, { weight: 1, arbitrary: proto });
}

/** Text around placeholders: braces next to `{{name}}` would make it malformed (`{{{name}}`), an invalid flow. */
const noBraces = (text: string): boolean => !/[{}]/.test(text);

/** Text a flow may carry: any unicode (grapheme units keep it well formed), sometimes a placeholder. */
const textArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((text) => !/\{\{|\}\}/.test(text)),
  fc
    .tuple(fc.string({ maxLength: 10 }).filter(noBraces), plainVar, fc.string({ maxLength: 10 }).filter(noBraces))
    .map(([a, v, b]) => `${a}{{${v}}}${b}`),
  // A fallback, which may itself hold spaces, unicode and a "|" (only the first one splits).
  fc.tuple(plainVar, fc.string({ maxLength: 10 }).filter(noBraces)).map(([v, fallback]) => `{{${v}|${fallback}}} {{ ${v} | ${fallback} }}`),
  // Prototype names that are variable names; `{{__proto__}}` is not one (it starts with "_"), so it is malformed.
  fc.constant('{{constructor}} {{lastMessage}} {{intent}} {{toString}} {{hasOwnProperty}} {{httpError|ok}} {{httpStatus}}'),
);

const BLOCK_TYPES = ['message', 'wait', 'intent', 'end', 'condition', 'set', 'http'] as const;
type BlockType = (typeof BLOCK_TYPES)[number];

/** Variables the generated set blocks and conditions use (never a builtin, which a set may not assign). */
const FUZZ_VARS = ['tries', 'size', 'qty', 'constructor', 'name'] as const;
/** The secret every generated http block may name; the runtime property resolves it to a value it then looks for. */
export const FUZZ_SECRET = 'TOKEN';
const HTTP_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** URLs with placeholders after the host only (the rule), in the path, the query and the fragment. */
const HTTP_URLS = [
  'https://svc.example.com/orders/{{qty}}?q={{lastMessage}}',
  'http://127.0.0.1:8080/x/{{size|none}}#{{secret.TOKEN}}',
  'https://svc.example.com/{{secret.TOKEN}}/{{name}}/{{constructor}}',
  'HTTPS://svc.example.com/a b/{{ tries | 0 }}',
  'https://[::1]:9/',
] as const;
const HTTP_BODIES: JsonValue[] = [
  { note: '{{lastMessage}}', n: 3, nested: ['{{secret.TOKEN}}', null, true, { deep: '{{qty|1}}' }] },
  '{{qty}}',
  [1, '{{name|x}}'],
  null,
  // Keys that attack object handling, as own keys (an object literal would set the prototype instead).
  JSON.parse('{"__proto__": "{{intent}}", "constructor": {"prototype": "{{lastMessage}}"}}') as JsonValue,
];
/** Pointers into the fake service's answers: some find a scalar, some an object or nothing. */
const HTTP_POINTERS = ['/status', '/qty', '/nested/0', '', '$status', '/missing', '/a~1b', '/items/0'] as const;

/** Patterns known to be safe (the ReDoS check caches them): fuzzing is not about the checker. */
const SAFE_PATTERNS = ['^\\d{3}$', '^[a-z]+$', 'yes|no'] as const;
const EXPECT_TYPES: Array<Expect['type']> = ['text', 'number', 'integer', 'email', 'date', 'pattern', 'choice'];
const OPS = ['eq', 'ne', 'contains', 'startsWith', 'endsWith', 'matches', 'gt', 'gte', 'lt', 'lte', 'isSet', 'isEmpty'] as const;

/** A predicate built from seeds: comparisons of every operator, nested up to `depth` combinators. */
function predicateOf(seed: () => number, depth: number): Predicate {
  const shape = seed() % (depth > 0 ? 6 : 3);
  if (shape === 3) return { all: [predicateOf(seed, depth - 1), predicateOf(seed, depth - 1)] };
  if (shape === 4) return { any: [predicateOf(seed, depth - 1), predicateOf(seed, depth - 1)] };
  if (shape === 5) return { not: predicateOf(seed, depth - 1) };
  const op = pick(OPS, seed());
  const name = pick(FUZZ_VARS, seed());
  if (op === 'isSet' || op === 'isEmpty') return { var: name, op };
  if (op === 'matches') return { var: name, op, value: pick(SAFE_PATTERNS, seed()) };
  return { var: name, op, value: pick<string | number | boolean>([3, 'S', '{{qty|2}}', true, -1.5, ''], seed()) };
}

function assignmentsFrom(seed: () => number, text: string): Record<string, AssignValue> {
  const assign: Record<string, AssignValue> = {};
  const count = 1 + (seed() % 3);
  for (let k = 0; k < count; k++) {
    const name = pick(FUZZ_VARS, seed());
    assign[name] = pick<AssignValue>([{ add: [`{{${name}|0}}`, 1] }, 7, false, text, { add: ['{{qty}}', '2.5'] }], seed());
  }
  return assign;
}

/**
 * The options of a wait block beyond `next` and `saveAs`: choices, a typed answer (with or without
 * bounds, a misfit text, a count and a way out), silence. `silenceTargets` leave out intent blocks: a
 * silence brings no message to classify (intent_before_wait).
 */
function waitOptions(seed: () => number, flag: (k: number) => boolean, targets: string[], silenceTargets: string[]): Partial<WaitBlock> {
  const options: Partial<WaitBlock> = {};
  const type = pick(EXPECT_TYPES, seed());
  if (flag(0) || type === 'choice') {
    const choices: Choice[] = [];
    const count = 1 + (seed() % 3);
    for (let k = 0; k < count; k++) {
      const choice: Choice = { label: pick([`Option ${k}`, `${k}`, `é${k} 😀`], seed()) };
      if (seed() % 2 === 0) choice.value = `v${k}`;
      if (seed() % 2 === 0) choice.next = pick(targets, seed());
      choices.push(choice);
    }
    options.choices = choices;
  }
  if (flag(1) || type === 'choice') {
    const expect: Expect = { type };
    if (type === 'number' || type === 'integer') {
      const bounds = seed() % 4;
      const low = pick([1, 0, -3, 2.5], seed());
      if (bounds === 1 || bounds === 3) expect.min = type === 'integer' ? Math.ceil(low) : low;
      if (bounds === 2 || bounds === 3) expect.max = Math.ceil(low) + (seed() % 10);
    }
    if (type === 'pattern') expect.pattern = pick(SAFE_PATTERNS, seed());
    options.expect = expect;
  }
  // `invalid` on a block that takes any text is allowed (it is never used): keep that case too.
  if (options.expect !== undefined ? seed() % 3 !== 0 : seed() % 5 === 0) {
    const which = seed();
    options.invalid = {
      ...(which % 2 === 0 ? { text: 'Try again, {{lastMessage}}?' } : {}),
      ...(which % 3 !== 0 ? { maxTries: 1 + (seed() % 3) } : {}),
      ...(which % 5 !== 0 ? { next: pick(targets, seed()) } : {}),
    };
  }
  if (flag(2)) {
    options.noReply = { afterSeconds: 1 + (seed() % 100), ...(seed() % 2 === 0 ? { text: 'Still there, {{name|you}}?' } : {}) };
    const which = seed() % 4;
    if (which === 1 || which === 3) options.noReply.maxTimes = 1 + (seed() % 3);
    if (which >= 2) options.noReply.next = pick(silenceTargets, seed());
  }
  return options;
}

/** An http block whose every field is drawn: method, url, headers, body (not with GET), timeout, save. */
function httpBlockOf(id: string, seed: () => number, text: string, forward: string[]): HttpBlock {
  const method = pick(HTTP_METHODS, seed());
  const block: HttpBlock = {
    id,
    type: 'http',
    method,
    url: pick(HTTP_URLS, seed()),
    next: pick(forward, seed()),
    onError: pick(forward, seed()),
  };
  const which = seed();
  if (which % 2 === 0) block.headers = { Authorization: 'Bearer {{secret.TOKEN}}', 'X-Note': text, 'x-count': '{{tries|0}}' };
  if (method !== 'GET' && which % 3 !== 0) block.body = pick(HTTP_BODIES, seed());
  if (which % 5 === 0) block.timeoutMs = 1 + (seed() % 120000);
  if (which % 7 !== 0) {
    const save: Record<string, string> = {};
    for (let k = 0, count = 1 + (seed() % 3); k < count; k++) save[pick(FUZZ_VARS, seed())] = pick(HTTP_POINTERS, seed());
    block.save = save;
  }
  return block;
}

/** Picks one of `options` by a seed; options is never empty where this is called. */
function pick<T>(options: readonly T[], seed: number): T {
  return options[seed % options.length] as T;
}

/**
 * A valid flow built so that every rule holds by construction (the validator must accept all of them):
 * - blocks other than wait blocks (message, intent, condition, set, http) only point forward, or back
 *   to a wait block, so every cycle has a wait;
 * - only wait blocks point to intent blocks, never by their silence (`noReply.next`), and the start is
 *   not an intent block, so no intent block is reachable before the user has said something;
 * - every block kind and optional field of the language is drawn, http blocks included;
 * - the last block is an end block, so "forward" always has a target.
 */
export function validFlowArb(mode: IdMode = 'plain', maxBlocks = 8): fc.Arbitrary<Flow> {
  return flowArb(mode, maxBlocks, false);
}

/**
 * Flows of the same blocks wired at random: any reference may name any block (loops without a wait,
 * intent blocks first or after a silence), and the start is an intent block sometimes. Many are
 * invalid; the ones the validator accepts are the test of its rules, since nothing made them valid.
 */
export function anyWiringFlowArb(mode: IdMode = 'plain', maxBlocks = 8): fc.Arbitrary<Flow> {
  return flowArb(mode, maxBlocks, true);
}

function flowArb(mode: IdMode, maxBlocks: number, anyWiring: boolean): fc.Arbitrary<Flow> {
  return fc.integer({ min: 1, max: maxBlocks }).chain((n) =>
    fc
      .record({
        ids: fc.uniqueArray(idArb(mode), { minLength: n, maxLength: n }),
        types: fc.array(fc.constantFrom(...BLOCK_TYPES), { minLength: n, maxLength: n }),
        seeds: fc.array(fc.nat(), { minLength: 8 * n, maxLength: 8 * n }),
        texts: fc.array(textArb, { minLength: n, maxLength: n }),
        intentIds: fc.array(
          fc.uniqueArray(
            idArb(mode).filter((id) => id !== 'none'),
            { minLength: 1, maxLength: 3 },
          ),
          { minLength: n, maxLength: n },
        ),
        saveAs: fc.array(
          fc.option(fc.oneof(plainVar, fc.constantFrom(...PROTOTYPE_NAMES)).filter((v) => v !== 'lastMessage' && v !== 'intent')),
          { minLength: n, maxLength: n },
        ),
        flags: fc.array(fc.boolean(), { minLength: 3 * n, maxLength: 3 * n }),
        waitFlags: fc.array(fc.boolean(), { minLength: 3 * n, maxLength: 3 * n }),
        name: fc.string({ minLength: 1, maxLength: 30 }),
      })
      .map(({ ids, types, seeds, texts, intentIds, saveAs, flags, waitFlags, name }) => {
        const kinds: BlockType[] = types.map((t, i) => (i === n - 1 ? 'end' : i === 0 && t === 'intent' && !anyWiring ? 'wait' : t));
        let s = 0;
        const seed = (): number => seeds[s++ % seeds.length] as number;
        const flag = (i: number, k: number): boolean => flags[i * 3 + k] === true;
        const forward = (i: number): string[] =>
          anyWiring ? ids : ids.filter((_id, j) => (j > i && kinds[j] !== 'intent') || kinds[j] === 'wait');
        const blocks: Block[] = kinds.map((kind, i): Block => {
          const id = ids[i] as string;
          switch (kind) {
            case 'message':
              return { id, type: 'message', text: texts[i] as string, next: pick(forward(i), seed()) };
            case 'wait': {
              const save = saveAs[i];
              const silenceTargets = anyWiring ? ids : ids.filter((_id, j) => kinds[j] !== 'intent');
              const options = waitOptions(seed, (k) => waitFlags[i * 3 + k] === true, ids, silenceTargets);
              return { id, type: 'wait', ...(save ? { saveAs: save } : {}), next: pick(ids, seed()), ...options };
            }
            case 'condition':
              return {
                id,
                type: 'condition',
                cases: Array.from({ length: 1 + (seed() % 3) }, () => ({ when: predicateOf(seed, 2), next: pick(forward(i), seed()) })),
                else: pick(forward(i), seed()),
              };
            case 'set':
              return { id, type: 'set', assign: assignmentsFrom(seed, texts[i] as string), next: pick(forward(i), seed()) };
            case 'intent': {
              const intents: IntentOption[] = (intentIds[i] as string[]).map((intentId) => ({
                id: intentId,
                description: `means ${intentId}`,
                ...(flag(i, 0) ? { examples: [texts[i] as string] } : {}),
                ...(seed() % 3 === 0 ? { synonyms: [`${intentId} please`, 'ok'] } : {}),
                next: pick(forward(i), seed()),
              }));
              return {
                id,
                type: 'intent',
                intents,
                noMatch: pick(forward(i), seed()),
                ...(flag(i, 1) ? { onError: pick(forward(i), seed()) } : {}),
                ...(flag(i, 2) ? { maxNoMatch: 1 + (seed() % 4), onMaxNoMatch: pick(forward(i), seed()) } : {}),
              };
            }
            case 'http':
              return httpBlockOf(id, seed, texts[i] as string, forward(i));
            case 'end':
              return { id, type: 'end', ...(flag(i, 0) ? { text: texts[i] as string } : {}) };
          }
        });
        const flow: Flow = { name, start: ids[0] as string, blocks };
        if (seed() % 4 === 0) flow.description = texts[0];
        if (seed() % 5 === 0) flow.$schema = '../schemas/flow.schema.json';
        if (seed() % 4 === 0) flow.meta = { positions: { [ids[0] as string]: { x: 1, y: 2 } }, note: '{{not a template}}' };
        return flow;
      }),
  );
}

/** A deep copy that keeps own `__proto__` keys as own data properties (a spread or assign would not). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(copy, key, cloneJson((value as Record<string, unknown>)[key]));
    return copy as T;
  }
  return value;
}

/** Sets an own, enumerable data property, even for "__proto__" (plain assignment would set the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const MUTATION_KINDS = [
  'delete',
  'rename',
  'replace',
  'wrongType',
  'hugeString',
  'hugeNumber',
  'deepNest',
  'protoKey',
  'duplicate',
  'danglingRef',
  'cycle',
  'unicode',
  'arrayForObject',
  'objectForArray',
  'swapType',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  kind: MutationKind;
  at: number;
  seed: number;
  value: Json;
  key: string;
}

/** Keys a mutation may introduce: random ones and the ones that attack object handling. */
const keyArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'a/b~c',
    '~1',
    '',
    'next',
    'id',
    'type',
    'text',
    'blocks',
    'intents',
    '\u0000',
    '𝒳',
  ),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  at: fc.nat(),
  seed: fc.nat(),
  value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  key: keyArb,
});

const REF_FIELDS = ['next', 'noMatch', 'onError', 'onMaxNoMatch'];

/** Strings that break naive handling: lone surrogates, NUL, bidi controls, combining marks, emoji. */
const NASTY_STRINGS = [
  '\ud800',
  '\udfff',
  'a\u0000b',
  '\u202eevil',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\r\n\t',
  ' ',
  '',
  '{{',
  '}}',
  '%00',
  '\\u0000',
  'null',
];

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/** Every (container, key) slot in the document, breadth-first and bounded, so huge documents stay cheap. */
function slots(doc: unknown, max = 5000): Slot[] {
  const found: Slot[] = [];
  const queue: unknown[] = [doc];
  for (let i = 0; i < queue.length && found.length < max; i++) {
    const node = queue[i];
    if (Array.isArray(node)) {
      node.forEach((v, k) => {
        found.push({ parent: node, key: k });
        queue.push(v);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const k of Object.keys(node)) {
        found.push({ parent: node as Record<string, unknown>, key: k });
        queue.push((node as Record<string, unknown>)[k]);
      }
    }
  }
  return found;
}

function read(slot: Slot): unknown {
  return Array.isArray(slot.parent) ? slot.parent[slot.key as number] : slot.parent[slot.key as string];
}

function write(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setOwn(slot.parent, slot.key as string, value);
}

function remove(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

function nest(value: unknown, depth: number, asObject: boolean): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = asObject ? { a: out } : [out];
  return out;
}

function blocksOf(doc: unknown): Array<Record<string, unknown>> {
  const blocks = (doc as { blocks?: unknown } | null)?.blocks;
  return Array.isArray(blocks)
    ? blocks.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b))
    : [];
}

/**
 * Applies one mutation in place to `doc` (a JSON-like tree) and returns the (possibly new) root.
 * Deterministic in the mutation's fields, so fast-check can shrink and replay failures.
 */
export function applyMutation(doc: unknown, m: Mutation): unknown {
  const all = slots(doc);
  const slot = all.length > 0 ? all[m.at % all.length] : undefined;
  switch (m.kind) {
    case 'delete':
      if (slot) remove(slot);
      return doc;
    case 'rename':
      if (slot && !Array.isArray(slot.parent)) {
        const value = read(slot);
        remove(slot);
        setOwn(slot.parent, m.key, value);
      }
      return doc;
    case 'replace':
      if (!slot) return m.value;
      write(slot, m.value);
      return doc;
    case 'wrongType': {
      const current = slot ? read(slot) : doc;
      const options: unknown[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [current], { value: current }];
      const value = pick(
        options.filter((o) => typeof o !== typeof current || Array.isArray(o) !== Array.isArray(current)),
        m.seed,
      );
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'hugeString': {
      const unit = pick(['x', '€', '😀', '\ud800', 'ab '], m.seed);
      const value = unit.repeat(4001 + (m.seed % 60000));
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'hugeNumber': {
      // Infinity and NaN are not JSON, but validateFlow takes any value; 1e400 parses to Infinity.
      const value = pick([1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Infinity, -Infinity, NaN, -0, 5e-324, 1e21, 2 ** 53], m.seed);
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'deepNest': {
      // Up to ~1,000 levels per mutation: several may stack, and the harness's own recursive helpers
      // (cloneJson, fast-check's printer) must not overflow first. Exact 10,000-level cases are
      // separate, hand-written tests.
      const value = nest(slot ? read(slot) : doc, 20 + (m.seed % 1000), m.seed % 2 === 0);
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'protoKey': {
      const objects = [doc, ...all.map(read)].filter(
        (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
      );
      const target = objects.length > 0 ? pick(objects, m.at) : undefined;
      if (target) {
        const which = m.seed % 3;
        if (which === 0) setOwn(target, '__proto__', { polluted: 'yes', type: 'message', next: 'x' });
        else if (which === 1) setOwn(target, 'constructor', { prototype: { polluted: 'yes' } });
        else setOwn(target, 'prototype', { polluted: 'yes' });
      }
      return doc;
    }
    case 'duplicate': {
      const arrays = [doc, ...all.map(read)].filter((v): v is unknown[] => Array.isArray(v) && v.length > 0);
      const target = arrays.length > 0 ? pick(arrays, m.at) : undefined;
      if (target) target.push(cloneJson(target[m.seed % target.length]));
      return doc;
    }
    case 'danglingRef': {
      const blocks = blocksOf(doc);
      const block = blocks.length > 0 ? pick(blocks, m.at) : undefined;
      const target = pick(['nowhere', m.key, 'constructor', 'toString', '__proto__'], m.seed);
      if (block) setOwn(block, pick(REF_FIELDS, m.seed >> 3), target);
      else if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) setOwn(doc as Record<string, unknown>, 'start', target);
      return doc;
    }
    case 'cycle': {
      // Point a block back at itself or at the start: a loop, with or without a wait in it.
      const blocks = blocksOf(doc);
      const block = blocks.length > 0 ? pick(blocks, m.at) : undefined;
      const start = (doc as { start?: unknown } | null)?.start;
      if (block) setOwn(block, pick(REF_FIELDS, m.seed >> 3), m.seed % 2 === 0 ? block.id : start);
      return doc;
    }
    case 'unicode': {
      const value = pick(NASTY_STRINGS, m.seed) + m.key;
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'arrayForObject': {
      const current = slot ? read(slot) : doc;
      const value = typeof current === 'object' && current !== null && !Array.isArray(current) ? [current] : [current, current];
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'objectForArray': {
      const current = slot ? read(slot) : doc;
      const value = Array.isArray(current) ? { ...current } : { 0: current };
      if (!slot) return value;
      write(slot, value);
      return doc;
    }
    case 'swapType': {
      const blocks = blocksOf(doc);
      const block = blocks.length > 0 ? pick(blocks, m.at) : undefined;
      if (block) setOwn(block, 'type', pick([...BLOCK_TYPES, 'Message', 'goto', ''], m.seed));
      return doc;
    }
  }
}

/** The fields that name a block, wherever they stand (a block, a choice, an intent, a case, invalid, noReply). */
const REFERENCE_KEYS = new Set(['next', 'noMatch', 'onError', 'onMaxNoMatch', 'else']);
/** Optional fields of blocks and of their parts; dropping one often leaves a valid flow of another shape. */
const OPTIONAL_KEYS = new Set([
  'saveAs',
  'choices',
  'expect',
  'invalid',
  'noReply',
  'onError',
  'maxNoMatch',
  'onMaxNoMatch',
  'headers',
  'body',
  'save',
  'timeoutMs',
  'value',
  'min',
  'max',
  'maxTries',
  'maxTimes',
  'examples',
  'synonyms',
  'description',
  'meta',
]);

/**
 * A change that keeps the document well formed but changes its graph or its shape: a reference
 * pointed at another existing block (any block: loops, intent blocks after a silence, start
 * anywhere), an optional field dropped, or `start` moved. The result is often still valid, and then
 * it must behave: these are the flows where the validator's verdict is tested hardest.
 */
export interface Rewiring {
  kind: 'retarget' | 'drop' | 'restart';
  at: number;
  seed: number;
}

export const rewiringArb: fc.Arbitrary<Rewiring> = fc.record({
  kind: fc.constantFrom('retarget', 'retarget', 'drop', 'restart'),
  at: fc.nat(),
  seed: fc.nat(),
});

export function applyRewiring(doc: unknown, r: Rewiring): unknown {
  const ids = blocksOf(doc).flatMap((b) => (typeof b.id === 'string' ? [b.id] : []));
  if (ids.length === 0) return doc;
  if (r.kind === 'restart') {
    setOwn(doc as Record<string, unknown>, 'start', pick(ids, r.seed));
    return doc;
  }
  if (r.kind === 'retarget') {
    // The kind of reference first, then one of that kind: rare ones (a silence's next) get their share.
    const kinds = [...referenceSlots(doc)].filter(([, found]) => found.length > 0);
    const slotsOfKind = kinds.length > 0 ? pick(kinds, r.seed)[1] : [];
    const slot = slotsOfKind.length > 0 ? pick(slotsOfKind, r.at) : undefined;
    if (slot) write(slot, pick(ids, r.seed >> 4));
    return doc;
  }
  const candidates = slots(doc).filter((slot) => typeof slot.key === 'string' && OPTIONAL_KEYS.has(slot.key));
  const slot = candidates.length > 0 ? pick(candidates, r.at) : undefined;
  if (slot) remove(slot);
  return doc;
}

/** Every slot that names a block, by kind: a block's own fields, and the `next` of its parts. */
function referenceSlots(doc: unknown): Map<string, Slot[]> {
  const found = new Map<string, Slot[]>();
  const add = (kind: string, parent: unknown, key: string): void => {
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) return;
    if (typeof (parent as Record<string, unknown>)[key] !== 'string') return;
    found.set(kind, [...(found.get(kind) ?? []), { parent: parent as Record<string, unknown>, key }]);
  };
  for (const block of blocksOf(doc)) {
    for (const key of REFERENCE_KEYS) add(key, block, key);
    for (const part of ['choices', 'intents', 'cases'] as const) {
      const list = block[part];
      if (Array.isArray(list)) for (const item of list) add(part, item, 'next');
    }
    add('invalid', block.invalid, 'next');
    add('noReply', block.noReply, 'next');
  }
  return found;
}

/** A base flow with 1-4 rewirings applied. */
export function rewiredFlowArb(bases: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(bases, fc.array(rewiringArb, { minLength: 1, maxLength: 4 })).map(([base, rewirings]) => {
    let doc = cloneJson(base);
    for (const r of rewirings) doc = applyRewiring(doc, r);
    return doc;
  });
}

/** A base flow with 1-6 mutations applied: most are invalid, some stay valid. */
export function mutatedFlowArb(bases: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(bases, fc.array(mutationArb, { minLength: 1, maxLength: 6 })).map(([base, mutations]) => {
    let doc = cloneJson(base);
    for (const m of mutations) doc = applyMutation(doc, m);
    return doc;
  });
}
