import type { HttpBlock, JsonValue, Scalar } from '../flow/types';
import { HTTP_ERROR_VARIABLE, HTTP_STATUS_VARIABLE } from '../flow/variables';
import type { HttpCallOutput } from '../runtime/http-call';
import { HTTP_FAILURES, type HttpErrorCode } from '../runtime/http-requester';
import type { HttpMock } from './test-document';

/** `save` reads the status code, not the answer, at this name (as the runtime does). */
const STATUS_POINTER = '$status';
/** A value generation saves where a condition only asks whether the variable is set. */
const SAMPLE_VALUE = 'sample';
/** The status of a failure whose status no condition compares. */
const FAILING_STATUS = 500;

/**
 * The outcomes generation tries at an http block, as its `callHttp` actor would resolve them: a 2xx
 * with nothing saved and a network failure, which take `next` and `error`; then, for the variables
 * conditions read, the answers that set them to the values the conditions compare with (one variable
 * at a time: its `save` value, `httpStatus`; every failure where `httpError` is read), so that the
 * branches after the call are reachable too; and a failing status if nothing else tried one, since
 * coverage counts it apart from a call with no answer. Each becomes a mock (`mockOf`) that the real runtime turns into the same outcome.
 */
export function httpOutcomes(block: HttpBlock, values: ReadonlyMap<string, readonly Scalar[]>): HttpCallOutput[] {
  const base = { method: block.method, url: block.url, latencyMs: 0 };
  const save = Object.entries(block.save ?? {});
  const unset = Object.fromEntries(save.map(([name]): [string, null] => [name, null]));
  const ok = (status: number, saved: Record<string, Scalar | null> = {}): HttpCallOutput => {
    const all = { ...unset, ...saved };
    for (const [name, pointer] of save) if (pointer === STATUS_POINTER) all[name] = status;
    return { ...base, ok: true, status, saved: all };
  };
  const failed = (error: HttpErrorCode, status?: number): HttpCallOutput => ({
    ...base,
    ok: false,
    error,
    ...(status !== undefined ? { status } : {}),
    saved: {},
  });
  const outcomes: HttpCallOutput[] = [ok(200), failed('network')];
  const statuses = [...(values.get(HTTP_STATUS_VARIABLE) ?? [])];
  for (const [name, pointer] of save) {
    const compared = values.get(name);
    if (compared === undefined) continue;
    if (pointer === STATUS_POINTER) {
      statuses.push(...compared);
      continue;
    }
    for (const value of compared.includes(SAMPLE_VALUE) ? compared : [...compared, SAMPLE_VALUE]) outcomes.push(ok(200, { [name]: value }));
  }
  for (const status of new Set(statuses.map(Number))) {
    if (!Number.isInteger(status) || status < 100 || status > 599) continue;
    outcomes.push(status >= 200 && status <= 299 ? ok(status) : failed('status', status));
  }
  // Coverage counts a failing status apart from no answer (HTTP_FAILURE_DETAILS): one is always tried.
  // Where a condition reads httpError, every way to fail: the codes it compares with, and others for its else.
  if (values.has(HTTP_ERROR_VARIABLE) || !outcomes.some((o) => o.error === 'status')) outcomes.push(failed('status', FAILING_STATUS));
  if (values.has(HTTP_ERROR_VARIABLE)) {
    for (const code of HTTP_FAILURES) if (code !== 'network') outcomes.push(failed(code));
    // `invalid_json` only happens where `save` reads the answer.
    if (save.some(([, pointer]) => pointer !== STATUS_POINTER)) outcomes.push(failed('invalid_json', 200));
  }
  return outcomes;
}

/** `/delivery/eta` → `{"delivery": {"eta": value}}`; numeric segments make arrays. Later writes win. */
function setAtPointer(document: JsonValue | undefined, pointer: string, value: Scalar): JsonValue {
  if (pointer === '') return value;
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const root: JsonValue = document !== null && typeof document === 'object' ? document : {};
  let at: JsonValue = root;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const wantsArray = !last && /^(0|[1-9]\d*)$/.test(segments[i + 1] as string);
    const container = at as Record<string, JsonValue> | JsonValue[];
    const key = Array.isArray(container) ? Number(segment) : segment;
    if (last) {
      (container as Record<string | number, JsonValue>)[key] = value;
      return;
    }
    let child = (container as Record<string | number, JsonValue>)[key];
    if (child === null || typeof child !== 'object') {
      child = wantsArray ? [] : {};
      (container as Record<string | number, JsonValue>)[key] = child;
    }
    at = child;
  });
  return root;
}

/** The mock that makes the real runtime produce `output` at `block` (the answer carries the saved values at their pointers). */
export function mockOf(block: HttpBlock, output: HttpCallOutput): HttpMock {
  if (output.ok) {
    let body: JsonValue | undefined = Object.values(block.save ?? {}).some((p) => p !== STATUS_POINTER) ? {} : undefined;
    for (const [name, pointer] of Object.entries(block.save ?? {})) {
      const value = output.saved[name];
      if (pointer !== STATUS_POINTER && value !== null && value !== undefined) body = setAtPointer(body, pointer, value);
    }
    return { status: output.status ?? 200, ...(body !== undefined ? { body } : {}) };
  }
  if (output.error === 'status') return { status: output.status ?? FAILING_STATUS };
  if (output.error === 'invalid_json') return { status: 200, body: 'not JSON', headers: { 'content-type': 'text/plain' } };
  return { error: output.error ?? 'network' };
}
