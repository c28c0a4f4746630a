import fc from 'fast-check';
import { createMachine } from 'xstate';
import { prepareFlow } from '../../src/flow';
import type { MachineConfigJson } from '../../src/flow/machine-config';
import type { ValidationResult } from '../../src/flow/problems';
import type { Flow } from '../../src/flow/types';
import { validateFlow } from '../../src/flow/validate';
import type { IntentDetector } from '../../src/intent/detector';
import type { Turn } from '../../src/runtime/events';
import { Conversation } from '../../src/runtime/conversation';
import { createFlowMachine } from '../../src/runtime/flow-machine';
import { defaultFlow } from '../support/flows';
import { anyWiringFlowArb, type IdMode, mutatedFlowArb, rewiredFlowArb, validFlowArb } from '../support/flow-fuzz';
import { checkRun, runConversation, type RuntimeScript } from '../support/flow-fuzz-runtime';
import { resolvePointer } from '../support/json-pointer';

/**
 * Property-based fuzzing of the flow model (validateFlow, prepareFlow/compileFlow, the runtime machine)
 * with fast-check. Seeds are random per run; a failure prints the seed and the shrunk input to replay.
 */

/**
 * Knobs for a local hunt (CI sets none of them):
 * - FUZZ_SCALE=0.1 for a quick run; 1 (the default) in CI: every property's run count is multiplied by it.
 * - FLOWBOT_FUZZ_RUNS=20000: that many runs for every property instead (and no time limit, unless
 *   FLOWBOT_FUZZ_TIME_LIMIT_MS says one), to search harder than CI can afford.
 * - FLOWBOT_FUZZ_SEED=123: the seed of every property (fast-check prints it with a failure), to replay
 *   one; without it each run draws a random seed.
 * - FLOWBOT_FUZZ_PATH=0:1:3 (with FLOWBOT_FUZZ_SEED and `-t` naming the one property): replays exactly
 *   the counterexample whose seed and path fast-check printed.
 * - FLOWBOT_FUZZ_TIME_LIMIT_MS: stop each property after this long (the default: 40 s, 60 s with shrinking).
 * A hunt runs longer than jest's 300 s per test: give it `--testTimeout`, e.g.
 *   FLOWBOT_FUZZ_SEED=21 FLOWBOT_FUZZ_RUNS=10000 FLOWBOT_FUZZ_TIME_LIMIT_MS=300000 \
 *   npx jest -c jest.long.config.js test/long/flow-fuzz.test.ts --testTimeout=900000
 */
const SCALE = Number(process.env.FUZZ_SCALE ?? '1');
const RUNS = process.env.FLOWBOT_FUZZ_RUNS === undefined ? undefined : Number(process.env.FLOWBOT_FUZZ_RUNS);
const SEED = process.env.FLOWBOT_FUZZ_SEED === undefined ? undefined : Number(process.env.FLOWBOT_FUZZ_SEED);
const TIME_LIMIT_MS =
  process.env.FLOWBOT_FUZZ_TIME_LIMIT_MS !== undefined
    ? Number(process.env.FLOWBOT_FUZZ_TIME_LIMIT_MS)
    : RUNS === undefined
      ? 40000
      : undefined;
for (const [name, value] of Object.entries({
  FUZZ_SCALE: SCALE,
  FLOWBOT_FUZZ_RUNS: RUNS,
  FLOWBOT_FUZZ_SEED: SEED,
  FLOWBOT_FUZZ_TIME_LIMIT_MS: TIME_LIMIT_MS,
})) {
  if (value !== undefined && !Number.isFinite(value)) throw new Error(`${name} must be a number`);
}
/** Bounded in time as well as in count; shrinking a failure gets its own budget. */
const LIMITS = {
  ...(TIME_LIMIT_MS !== undefined
    ? { interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, skipAllAfterTimeLimit: TIME_LIMIT_MS * 1.5 }
    : {}),
  ...(SEED !== undefined ? { seed: SEED } : {}),
  ...(process.env.FLOWBOT_FUZZ_PATH !== undefined ? { path: process.env.FLOWBOT_FUZZ_PATH } : {}),
};
const runs = (n: number): number => RUNS ?? Math.max(1, Math.round(n * SCALE));

const counts = {
  arbitrary: 0,
  mutatedDefault: 0,
  mutatedGenerated: 0,
  generatedValid: 0,
  runtime: 0,
  valid: 0,
  rewired: 0,
  rewiredValid: 0,
  runtimeSteps: 0,
  httpCalls: 0,
};
const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayPrototypeKeysBefore = Object.getOwnPropertyNames(Array.prototype).sort();

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeysBefore);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototypeKeysBefore);
}

/** Checks everything the validator promises about its answer for `input`; returns the result. */
function checkValidation(input: unknown): ValidationResult {
  let result: ValidationResult | undefined;
  expect(() => {
    result = validateFlow(input);
  }).not.toThrow();
  const r = result as ValidationResult;
  expect(typeof r.valid).toBe('boolean');
  expect(Array.isArray(r.errors)).toBe(true);
  expect(Array.isArray(r.warnings)).toBe(true);
  expect(r.valid).toBe(r.errors.length === 0);
  for (const problem of [...r.errors, ...r.warnings]) {
    expect(typeof problem.code).toBe('string');
    expect(problem.code.length).toBeGreaterThan(0);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
    expect(typeof problem.path).toBe('string');
    // The validator's catch-all: seeing it means a rule threw on this input, a bug behind the safety net.
    expect(problem.code).not.toBe('validator_failure');
    const where = resolvePointer(input, problem.path);
    if (where !== 'found' && where !== 'missing-child') {
      throw new Error(`problem ${JSON.stringify(problem)} has a path that does not resolve into the input (${where})`);
    }
  }
  return r;
}

/** A detector that never answers (flows are run only to their first wait here). */
const neverCalled: IntentDetector = {
  name: 'local',
  detect: () => Promise.reject(new Error('no detection expected before the first wait')),
};

/**
 * For a flow the validator accepts: it compiles, xstate takes the config, and it runs to its first
 * stable point. That is at once unless an http block runs first (its call is asynchronous; with no
 * HTTP client here it fails with `network` and takes onError); no intent block can run before a wait.
 */
async function checkAccepted(input: unknown): Promise<void> {
  const prepared = prepareFlow(input);
  if (!prepared.ok) throw new Error(`prepareFlow refused a flow validateFlow accepted: ${JSON.stringify(prepared.errors)}`);
  const config: MachineConfigJson = prepared.compiled.config;
  // Plain createMachine with no implementations: the JSON must be a config xstate accepts as is.
  expect(() => createMachine(config as unknown as Parameters<typeof createMachine>[0])).not.toThrow();
  const machine = createFlowMachine(prepared.compiled, { detector: neverCalled });
  const turns: Turn[] = [];
  const conversation = new Conversation({ machine, onTurn: (turn) => void turns.push(turn) });
  conversation.start();
  if (prepared.compiled.httpBlocks.size === 0) expect(turns).toHaveLength(1);
  for (let i = 0; i < 1000 && turns.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(turns).toHaveLength(1);
  expect(['waiting', 'ended']).toContain(turns[0]?.outcome);
  conversation.stop();
  counts.valid++;
}

async function fuzzOne(input: unknown): Promise<void> {
  const result = checkValidation(input);
  if (result.valid) await checkAccepted(input);
  expectNoPollution();
}

afterAll(() => {
  const total =
    counts.arbitrary + counts.mutatedDefault + counts.mutatedGenerated + counts.generatedValid + counts.runtime + counts.rewired;
  // Printed for the hardening report: how many inputs the properties saw in this run, and with which knobs.
  console.log(`flow-fuzz inputs: ${JSON.stringify({ ...counts, total, seed: SEED ?? 'random', runs: RUNS ?? `scale ${SCALE}` })}`);
});

describe('flow validator and compiler fuzz', () => {
  it('answers any JSON-like value with a well-formed result and never throws', async () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, maxDepth: 4 }),
      // Flow-shaped objects with random members, so the semantic rules see something to chew on.
      fc.record(
        {
          name: fc.jsonValue(),
          start: fc.jsonValue(),
          blocks: fc.array(fc.dictionary(fc.constantFrom('id', 'type', 'next', 'text', 'intents', 'noMatch', '__proto__'), fc.jsonValue())),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(anything, async (input) => {
        counts.arbitrary++;
        await fuzzOne(input);
      }),
      { numRuns: runs(2000), ...LIMITS },
    );
  });

  it('handles thousands of mutations of the default flow', async () => {
    const base = defaultFlow();
    expect(validateFlow(base).valid).toBe(true);
    await fc.assert(
      fc.asyncProperty(mutatedFlowArb(fc.constant(base)), async (input) => {
        counts.mutatedDefault++;
        await fuzzOne(input);
      }),
      { numRuns: runs(3000), ...LIMITS },
    );
  });

  it('handles mutations of small generated flows', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFlowArb(validFlowArb('mixed')), async (input) => {
        counts.mutatedGenerated++;
        await fuzzOne(input);
      }),
      { numRuns: runs(2000), ...LIMITS },
    );
  });

  it('accepts every flow that meets the rules by construction, and compiles and starts it', async () => {
    await fc.assert(
      fc.asyncProperty(validFlowArb('mixed'), async (flow) => {
        counts.generatedValid++;
        const result = checkValidation(flow);
        if (!result.valid) throw new Error(`a valid flow was refused: ${JSON.stringify(result.errors)}`);
        await checkAccepted(flow);
        expectNoPollution();
      }),
      { numRuns: runs(1000), ...LIMITS },
    );
  });

  it('handles nesting 10,000 and 100,000 levels deep anywhere in the document without throwing', () => {
    const deep = (depth: number, asObject: boolean): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
      return value;
    };
    for (const depth of [10000, 100000]) {
      for (const asObject of [true, false]) {
        const base = defaultFlow();
        const inputs: unknown[] = [
          deep(depth, asObject),
          { ...base, meta: { deep: deep(depth, asObject) } },
          { ...base, blocks: [deep(depth, asObject)] },
          { ...base, start: deep(depth, asObject) },
          { ...base, blocks: [{ ...base.blocks[0], next: deep(depth, asObject), extra: deep(depth, asObject) }, ...base.blocks.slice(1)] },
        ];
        for (const input of inputs) {
          counts.arbitrary++;
          // Checked directly rather than through fuzzOne's expect(): a failure message must not try to
          // pretty-print 100,000 levels.
          const result = validateFlow(input);
          if (result.errors.some((e) => e.code === 'validator_failure'))
            throw new Error(`validator failed at depth ${depth}: ${JSON.stringify(result.errors)}`);
        }
        expect(validateFlow({ ...base, meta: { deep: deep(depth, asObject) } }).valid).toBe(true);
      }
    }
    expectNoPollution();
  });
});

/**
 * Runs generated valid flows (every block kind, http blocks included) through random conversations:
 * user messages fitted to each wait (choices, typed answers, misfits), silences on timers that move
 * only when told, a scripted detector and a fake service answering in process through the
 * HttpRequester port (2xx with and without JSON, other statuses, every failure). See checkRun for
 * the invariants: no turn fails, every step is an edge of the model, no secret leaks, no detection
 * runs before the user said anything, requests stay on their block's host.
 */
const scriptArb: fc.Arbitrary<RuntimeScript> = fc.record({
  actions: fc.array(fc.record({ silence: fc.boolean(), pick: fc.nat() }), { minLength: 1, maxLength: 16 }),
  intents: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
  http: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
});

async function runtimeProperty(mode: IdMode, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(validFlowArb(mode), scriptArb, async (flow, script) => {
      counts.runtime++;
      const run = await runConversation(flow, script, 12);
      checkRun(run);
      counts.runtimeSteps += run.steps.length;
      counts.httpCalls += run.requests.length;
    }),
    { numRuns: runs(numRuns), ...LIMITS },
  );
}

describe('runtime fuzz on generated valid flows', () => {
  it('runs random conversations (messages, silences, http answers) along the edges of the model, leaking no secret', async () => {
    await runtimeProperty('mixed', 500);
  });

  it('runs every flow wired at random or rewired that the validator accepts along the model too', async () => {
    const flows = fc.oneof(anyWiringFlowArb('mixed'), rewiredFlowArb(validFlowArb('mixed')), rewiredFlowArb(anyWiringFlowArb('mixed')));
    await fc.assert(
      fc.asyncProperty(flows, scriptArb, async (input, script) => {
        counts.rewired++;
        const result = checkValidation(input);
        if (!result.valid) return;
        counts.rewiredValid++;
        await checkAccepted(input);
        const run = await runConversation(input as Flow, script, 12);
        checkRun(run);
        counts.runtimeSteps += run.steps.length;
        counts.httpCalls += run.requests.length;
      }),
      { numRuns: runs(1500), ...LIMITS },
    );
  });
  // Prototype-named intent blocks ("constructor") are covered in test/flow/compile.test.ts.
});
