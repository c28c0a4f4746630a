import { prepareFlow } from '../../src/flow';
import type { CompiledFlow } from '../../src/flow/compile';
import { LocalIntentClassifier } from '../../src/intent/local';
import { checkTestFile, checkTestSuite, runConversationTest, runSuite, type TestStep, type TestTarget } from '../../src/testing';
import { defaultFlow, pizzaFlow } from '../support/flows';

function compiled(flow = defaultFlow()): CompiledFlow {
  const prepared = prepareFlow(flow);
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return prepared.compiled;
}

const local = new LocalIntentClassifier();
const travel: TestTarget = { compiled: compiled(), localDetector: () => local };
const pizza: TestTarget = { compiled: compiled(pizzaFlow()), localDetector: () => local };
const WELCOME = 'Hi! I can give you the weather, travel offers or restaurant tips. What would you like?';

async function scripted(steps: TestStep[], target = travel) {
  return runConversationTest({ name: 't', steps }, target, 'scripted');
}

describe('conversation test runner: every step kind', () => {
  it('passes a test that uses user, choice, silence, bot (exact and regex), waiting, end, variables and scripted intents', async () => {
    const result = await scripted([
      { bot: WELCOME },
      { waiting: 'ask' },
      { user: 'will it rain tomorrow?' },
      { intent: 'weather' },
      { bot: '/sunny, \\d+°C/i' },
      { waiting: 'ask' },
      { variables: { request: 'will it rain tomorrow?', intent: 'weather', nights: null } },
      { choice: 'offers' },
      { waiting: 'nights' },
      { silence: 60 },
      { bot: 'Still there? Just type a number of nights, like 3.' },
      { user: '3' },
      { bot: 'Offer 1: 3 nights in Lisbon, 69 EUR a night. Anything else?' },
      { variables: { nights: 3, offers: 1 } },
      { user: 'hmm' },
      { intent: { error: 'the classifier is down' } },
      { bot: '/^Sorry, I did not get "hmm"/' },
      { user: 'bye' },
      { intent: 'bye' },
      { bot: 'Happy to help. Bye!' },
      { end: 'goodbye' },
      { end: true },
    ]);
    expect(result.failure).toBeUndefined();
    expect(result.passed).toBe(true);
    expect(result.steps.map((s) => s.event)).toContain('intent.error');
  });

  it('picks a choice by its label too, and reports the choices offered when none fits', async () => {
    expect((await scripted([{ choice: 'Weather forecast' }, { bot: '/sunny/' }])).passed).toBe(true);
    const result = await scripted([{ choice: 'Pizza' }]);
    expect(result.failure).toEqual({
      step: 0,
      action: { choice: 'Pizza' },
      expected: 'a choice "Pizza" at "ask"',
      actual: 'the choices offered are "forecast", "offers", "tips"',
    });
  });

  it('runs silence on a virtual clock: 59 seconds are not 60, and an hour fires each due silence in turn', async () => {
    const early = await scripted([{ choice: 'offers' }, { silence: 59 }, { bot: 'anything' }]);
    expect(early.failure?.actual).toBe('the bot said nothing more (the flow waits at "nights")');
    // An hour of silence runs at once: on real timers this test would time out.
    const hour = await scripted([
      { choice: 'offers' },
      { bot: '/nights/' },
      { silence: 3600 },
      { bot: '/Still there/' },
      { bot: '/No rush/' },
      { waiting: 'ask' },
    ]);
    expect(hour.failure).toBeUndefined();
  });

  it('expects what the local classifier answers with "intents": "local"', async () => {
    const steps: TestStep[] = [{ user: 'is it going to be sunny this afternoon?' }, { intent: 'weather' }, { bot: '/sunny/' }];
    expect((await runConversationTest({ name: 'l', steps }, travel, 'local')).passed).toBe(true);
    const wrong = await runConversationTest(
      { name: 'l', steps: [{ user: 'is it going to be sunny?' }, { intent: 'bye' }] },
      travel,
      'local',
    );
    expect(wrong.failure).toMatchObject({ step: 1, expected: 'a detection answering "bye"', actual: 'it answered "weather" at "route"' });
  });

  it('tests a choice-only block, typed answers and a condition (the pizza flow)', async () => {
    const result = await scripted(
      [
        { bot: 'Hi there! Small or large?' },
        { user: 'medium' },
        { bot: 'Please pick Small or Large.' },
        { waiting: 'size' },
        { choice: 'L' },
        { bot: 'Large, good choice.' },
        { variables: { size: 'L', orders: 1 } },
      ],
      pizza,
    );
    expect(result.failure).toBeUndefined();
  });
});

describe('conversation test runner: user text as the server takes it', () => {
  it('sends a user step cleaned as a message frame is (control characters removed, trimmed)', async () => {
    const result = await scripted([{ choice: 'offers' }, { user: '  9\u0007 ' }, { variables: { nights: 9 } }]);
    expect(result.failure).toBeUndefined();
  });
});

describe('conversation test runner: failures say the step, what was expected and what came', () => {
  it.each<[string, TestStep[], { step: number; expected: string; actual: string }]>([
    [
      'a different bot text',
      [{ bot: 'Hello' }],
      { step: 0, expected: 'the bot to say "Hello"', actual: `it said ${JSON.stringify(WELCOME)}` },
    ],
    [
      'a regex that does not match',
      [{ bot: '/goodbye/' }],
      // Not `"/goodbye/"`, which reads as if the pattern were taken as literal text.
      { step: 0, expected: 'the bot to say something matching /goodbye/', actual: `it said ${JSON.stringify(WELCOME)}` },
    ],
    [
      'no more bot messages',
      [{ bot: WELCOME }, { bot: 'more' }],
      { step: 1, expected: 'the bot to say "more"', actual: 'the bot said nothing more (the flow waits at "ask")' },
    ],
    [
      'waiting elsewhere',
      [{ waiting: 'nights' }],
      { step: 0, expected: 'the flow to wait at "nights"', actual: 'the flow waits at "ask"' },
    ],
    ['an end that did not come', [{ end: true }], { step: 0, expected: 'the conversation to end', actual: 'the flow waits at "ask"' }],
    [
      'an end at another block',
      [{ user: 'bye' }, { intent: 'bye' }, { end: 'handover' }],
      { step: 2, expected: 'the conversation to end at "handover"', actual: 'the conversation ended at "goodbye"' },
    ],
    [
      'a variable with another value',
      [{ choice: 'tips' }, { variables: { request: 'food' } }],
      { step: 1, expected: 'request = "food"', actual: 'request = "tips"' },
    ],
    [
      'a variable expected unset',
      [{ choice: 'tips' }, { variables: { request: null } }],
      { step: 1, expected: 'request = unset', actual: 'request = "tips"' },
    ],
    ['a variable that is unset', [{ variables: { nights: 3 } }], { step: 0, expected: 'nights = 3', actual: 'nights = unset' }],
    [
      'a detection not scripted',
      [{ user: 'hello' }],
      {
        step: 0,
        expected: 'every detection scripted by an intent step',
        actual: 'the flow detected an intent (options: weather, travel, restaurants, bye) but no intent step scripts the answer',
      },
    ],
    [
      'a scripted id the block does not have',
      [{ user: 'hello' }, { intent: 'pizza' }],
      {
        step: 0,
        expected: 'every detection scripted by an intent step',
        actual: 'scripted intent "pizza" is not an option here (options: weather, travel, restaurants, bye, none)',
      },
    ],
    [
      'an intent step with no detection',
      [{ choice: 'tips' }, { intent: 'weather' }],
      { step: 1, expected: 'a detection answering "weather"', actual: 'no (further) intent detection happened' },
    ],
    [
      'a message after the end',
      [{ user: 'bye' }, { intent: 'bye' }, { user: 'hello?' }],
      { step: 2, expected: 'a conversation waiting for the user', actual: 'the conversation ended at "goodbye"' },
    ],
  ])('%s', async (_name, steps, failure) => {
    const result = await scripted(steps);
    expect(result.passed).toBe(false);
    expect(result.failure).toEqual({ ...failure, action: steps[failure.step] });
  });

  it('fails a test that mocks a block that is not an http block', async () => {
    const result = await runConversationTest({ name: 'm', steps: [], mocks: { http: { ask: [{ status: 200 }] } } }, travel, 'scripted');
    expect(result.failure).toEqual({
      step: -1,
      action: null,
      expected: 'an http block "ask" to mock',
      actual: 'the flow has no http block "ask"',
    });
  });

  it('stops at the first failing step', async () => {
    const result = await scripted([{ bot: 'wrong' }, { waiting: 'nowhere' }]);
    expect(result.failure?.step).toBe(0);
  });
});

describe('test documents', () => {
  it('accepts the documented shape', () => {
    const document = {
      flow: 'travel-assistant.json',
      intents: 'scripted',
      tests: [
        {
          name: 'n',
          steps: [{ user: 'x' }, { intent: 'none' }, { end: true }],
          mocks: { http: { lookup: [{ status: 200, body: { a: 1 } }] } },
        },
      ],
    };
    expect(checkTestFile(document)).toEqual({ ok: true, value: document });
    const { flow: _flow, ...suite } = document;
    expect(checkTestSuite(suite).ok).toBe(true);
  });

  it('reports every problem with a JSON pointer into the file', () => {
    const result = checkTestFile({
      intents: 'maybe',
      tests: [{ name: 'n', steps: [{ user: 'x', bot: 'y' }, { say: 'hi' }, { silence: -1 }, {}, { end: 'not an id!' }] }],
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.errors.map((e) => `${e.path} ${e.code}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/flow missing_property',
        '/intents invalid_value',
        '/tests/0/steps/0 invalid_step',
        '/tests/0/steps/1/say unknown_property',
        '/tests/0/steps/2/silence out_of_range',
        '/tests/0/steps/3 invalid_step',
      ]),
    );
    expect(problems.some((p) => p.startsWith('/tests/0/steps/4/end'))).toBe(true);
  });

  it('says each problem once, with what is allowed, also where a value may take several forms', () => {
    const scripted = (steps: unknown[], mocks?: unknown): unknown => ({
      flow: 'f.json',
      intents: 'scripted',
      tests: [{ name: 'n', steps, ...(mocks === undefined ? {} : { mocks: { http: { lookup: mocks } } }) }],
    });
    const problems = (document: unknown): string[] => {
      const result = checkTestFile(document);
      return result.ok ? [] : result.errors.map((e) => `${e.path} ${e.code}: ${e.message}`);
    };
    const mock = '/tests/0/mocks/http/lookup/0';
    const forms =
      'must be an answer {"status": 100-599, "body", "headers"} or a failure {"error": "timeout" | "network" | "blocked" | "too_large"}, ' +
      'not both, with "method" and "url" optional checks of the call';
    expect(problems(scripted([], [{ status: 42 }]))).toEqual([`${mock}/status out_of_range: must be at least 100 and at most 599; got 42`]);
    expect(problems(scripted([], [{ error: 'bogus' }]))).toEqual([
      `${mock}/error invalid_value: must be one of "timeout", "network", "blocked", "too_large"; got "bogus"`,
    ]);
    expect(problems(scripted([], [{ status: 200, method: 'FETCH' }]))).toEqual([
      `${mock}/method invalid_value: must be one of "GET", "POST", "PUT", "PATCH", "DELETE"; got "FETCH"`,
    ]);
    expect(problems(scripted([], [{ status: 200, error: 'timeout' }]))).toEqual([
      `${mock} invalid_value: ${forms}; got {"status":200,"error":"timeout"}`,
    ]);
    expect(problems(scripted([], [{}]))).toEqual([`${mock} invalid_value: ${forms}; got {}`]);
    expect(problems({ ...(scripted([]) as object), intents: 'scriptd' })).toEqual([
      '/intents invalid_value: must be one of "scripted", "local"; got "scriptd"',
    ]);
    expect(problems(scripted([{ bot: 'x', user: 'y' }, {}]))).toEqual([
      '/tests/0/steps/0 invalid_step: a step has exactly one key, one of "user", "choice", "silence", "bot", "waiting", "end", "variables", "intent"; this one has "bot", "user"',
      '/tests/0/steps/1 invalid_step: a step has exactly one key, one of "user", "choice", "silence", "bot", "waiting", "end", "variables", "intent"; this one has none',
    ]);
    expect(
      problems(scripted([{ silence: -1 }, { end: false }, { end: 'not an id!' }, { intent: { err: 'x' } }, { variables: { a: [1] } }])),
    ).toEqual([
      '/tests/0/steps/0/silence out_of_range: must be above 0 and at most 31536000; got -1',
      '/tests/0/steps/1/end invalid_value: must be a block id, or true (the conversation ends at any block); got false',
      '/tests/0/steps/2/end invalid_format: must match ^[A-Za-z][A-Za-z0-9_-]{0,63}$ (a letter, then up to 63 letters, digits, "_" or "-")',
      '/tests/0/steps/3/intent invalid_value: must be an intent id (or "none"), or {"error": "..."} for a detection that fails; got {"err":"x"}',
      '/tests/0/steps/4/variables/a invalid_value: must be a string, a number, true, false, or null (the variable is unset); got [1]',
    ]);
    // Map keys are checked too: a key that is no variable name or block id would only fail when run.
    expect(problems(scripted([{ variables: { '1bad': 1, fine: 2 } }]))).toEqual([
      '/tests/0/steps/0/variables/1bad invalid_value: "1bad" is not a variable name: a letter, then up to 63 letters, digits or "_"',
    ]);
    expect(
      problems({
        flow: 'f.json',
        intents: 'scripted',
        tests: [{ name: 'n', steps: [], mocks: { http: { 'bad id!': [{ status: 200 }] } } }],
      }),
    ).toEqual([
      '/tests/0/mocks/http/bad id! invalid_value: "bad id!" is not a block id: a letter, then up to 63 letters, digits, "_" or "-"',
    ]);
  });

  it("refuses a /regex/ that does not compile, in a bot step or a mock's url, at its pointer (not a failing step later)", () => {
    const document = {
      flow: 'f.json',
      intents: 'scripted',
      tests: [
        { name: 'fine', steps: [{ bot: '/sunny/i' }, { bot: '/not a regex: flags zz/zz' }] },
        {
          name: 'broken',
          steps: [{ user: 'x' }, { bot: '/[/' }],
          mocks: { http: { lookup: [{ status: 200, url: '/https://(a/' }] } },
        },
      ],
    };
    const result = checkTestFile(document);
    expect(result.ok ? [] : result.errors).toEqual([
      {
        path: '/tests/1/steps/1/bot',
        code: 'invalid_regex',
        message: expect.stringMatching(/^not a regular expression: .*Unterminated character class/),
      },
      {
        path: '/tests/1/mocks/http/lookup/0/url',
        code: 'invalid_regex',
        message: expect.stringMatching(/^not a regular expression: .*Unterminated group/),
      },
    ]);
    const { flow: _flow, ...suite } = document;
    expect(checkTestSuite(suite).ok).toBe(false);
  });

  it("refuses a /regex/ open to catastrophic backtracking, in a bot step or a mock's url (it would hold the server)", () => {
    const result = checkTestSuite({
      intents: 'scripted',
      tests: [
        {
          name: 'echoes a long run of a',
          steps: [{ user: 'a'.repeat(40) }, { intent: 'none' }, { bot: '/(a+)+b/' }, { bot: '/sunny/di' }],
          mocks: { http: { lookup: [{ status: 200, url: '/^(x|x)*y$/i' }] } },
        },
      ],
    });
    expect(result.ok ? [] : result.errors.map((e) => `${e.path} ${e.code}`)).toEqual([
      '/tests/0/steps/2/bot unsafe_regex',
      '/tests/0/mocks/http/lookup/0/url unsafe_regex',
    ]);
    expect(result.ok ? '' : result.errors[0]?.message).toMatch(
      /^unsafe regular expression: it can backtrack catastrophically \(exponential/,
    );
  });

  it('refuses a user step the server would refuse as empty (blank, or only control characters)', () => {
    const result = checkTestSuite({ tests: [{ name: 'n', steps: [{ user: '   ' }, { user: '\u0007\u0000' }, { user: ' ok ' }] }] });
    expect(result.ok ? [] : result.errors.map((e) => `${e.path} ${e.code}`)).toEqual([
      '/tests/0/steps/0/user invalid_value',
      '/tests/0/steps/1/user invalid_value',
    ]);
  });

  it('a REST test document has no flow', () => {
    const result = checkTestSuite({ flow: 'x.json', tests: [{ name: 'n', steps: [] }] });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['/flow']);
  });
});

describe('suites and coverage', () => {
  it('counts passed and failed tests and the share of transitions they took', async () => {
    const run = await runSuite(
      {
        intents: 'scripted',
        tests: [
          { name: 'tips', steps: [{ choice: 'tips' }, { bot: '/Casa Nostra/' }] },
          { name: 'broken', steps: [{ bot: 'nope' }] },
        ],
      },
      travel,
    );
    expect(run.summary).toMatchObject({ passed: 1, failed: 1 });
    // welcome -> ask (next), ask -> food (choice) and food -> ask (next) of the machine's 30 transitions.
    expect(run.summary.coverage).toBe(0.1);
    expect(run.summary.uncovered).toHaveLength(27);
    expect(run.summary.uncovered).toContain('route -> weather (intent.matched: weather)');
    expect(run.summary.uncovered).not.toContain('ask -> food (choice: tips)');
  });
});
