import { type Static, Type } from '@sinclair/typebox';
import Ajv, { type ValidateFunction } from 'ajv';
import { type FlowProblem } from '../flow/problems';
import { HTTP_METHODS } from '../flow/types';
import { HTTP_FAILURES } from '../runtime/http-requester';
import { testDocumentProblems } from './test-problems';
import { RedosChecker } from '../flow/regex/redos';
import { userMessageText } from '../util/user-text';
import { textPatternProblem } from './text-match';

/**
 * The conversation test file (`*.test.json`): which flow, how intents are decided, and the tests, each
 * a list of steps. Declared once with TypeBox: the JSON Schema that validates files and REST bodies,
 * the TypeScript types, and the OpenAPI description all come from here.
 */

const blockId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'a block id of the flow' });
const scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** Each step is an object with exactly one of these keys: what it does or what it expects. */
const stepProperties = {
  user: Type.String({ minLength: 1, maxLength: 2000, description: 'sends this text as the user' }),
  choice: Type.String({ minLength: 1, maxLength: 2000, description: 'picks the choice with this value (or label) where the flow waits' }),
  silence: Type.Number({
    exclusiveMinimum: 0,
    maximum: 31_536_000,
    description: 'lets this many seconds pass without a reply, on a virtual clock',
  }),
  bot: Type.String({ minLength: 1, description: 'expects the next bot message: its exact text, or `/regex/flags`' }),
  waiting: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'expects the flow to wait at this block' }),
  end: Type.Union([blockId, Type.Literal(true)], { description: 'expects the conversation to end (at this block, when one is named)' }),
  variables: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.Union([scalar, Type.Null()]), {
    description: 'expects these variables to hold these values (`null`: unset)',
    // A key that is no variable name is refused here, not left to fail the test as "unset".
    additionalProperties: false,
  }),
  intent: Type.Union(
    [
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }),
      Type.Object({ error: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
    ],
    {
      description:
        'scripted intents: what the next detection answers (an intent id, `none`, or `{"error": "..."}` for a detection that fails); local intents: what it is expected to answer',
    },
  ),
};

export const TestStepSchema = Type.Partial(Type.Object(stepProperties), {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'one step: an object with exactly one key',
});

/** What a mock may check of the call it answers: both are optional, the block id alone picks the mock. */
const httpCallChecks = {
  method: Type.Optional(
    Type.Union(
      HTTP_METHODS.map((m) => Type.Literal(m)),
      {
        description: 'the call must use this method',
      },
    ),
  ),
  url: Type.Optional(
    Type.String({ minLength: 1, maxLength: 2000, description: 'the call must go to this URL: its exact text, or `/regex/flags`' }),
  ),
};

/** An answer: `body` is sent as JSON, or as it is when it is a string and `headers` give a non-JSON content-type. */
const HttpAnswerMockSchema = Type.Object(
  {
    status: Type.Integer({ minimum: 100, maximum: 599, description: 'the status code of the answer' }),
    body: Type.Optional(Type.Unknown({ description: 'the answer: any JSON value, sent as JSON' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'the headers of the answer' })),
    ...httpCallChecks,
  },
  { additionalProperties: false },
);

/** A call that brings back no answer, as the server's client reports it. */
const HttpFailureMockSchema = Type.Object(
  {
    error: Type.Union(
      HTTP_FAILURES.map((code) => Type.Literal(code)),
      { description: 'how the call fails: `timeout`, `network`, `blocked` (an address the guard refuses) or `too_large`' },
    ),
    ...httpCallChecks,
  },
  { additionalProperties: false },
);

export const HttpMockSchema = Type.Union([HttpAnswerMockSchema, HttpFailureMockSchema], {
  description: 'what one call of an http block gets: an answer (`status`) or a failure (`error`)',
});

export const ConversationTestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    steps: Type.Array(TestStepSchema, { maxItems: 2000 }),
    mocks: Type.Optional(
      Type.Object(
        { http: Type.Optional(Type.Record(blockId, Type.Array(HttpMockSchema, { maxItems: 100 }), { additionalProperties: false })) },
        { additionalProperties: false, description: 'answers of http blocks, by block id, one per call in order' },
      ),
    ),
  },
  { additionalProperties: false },
);

const testDocumentProperties = {
  $schema: Type.Optional(Type.String({ maxLength: 500 })),
  intents: Type.Optional(
    Type.Union([Type.Literal('scripted'), Type.Literal('local')], {
      description:
        '`scripted`: intent steps decide what detections answer; `local` (default): they expect what the local classifier answers',
    }),
  ),
  tests: Type.Array(ConversationTestSchema, { minItems: 1, maxItems: 1000 }),
};

/** A test document as the REST API takes it: the flow is the stored version in the path. */
export const TestSuiteSchema = Type.Object(testDocumentProperties, { additionalProperties: false });

/** A test file: `flow` is the flow file's path, relative to the test file. */
export const TestFileSchema = Type.Object(
  { ...testDocumentProperties, flow: Type.String({ minLength: 1, maxLength: 1000, description: 'the flow file, relative to this file' }) },
  { additionalProperties: false },
);

export type TestStep = Static<typeof TestStepSchema>;
export type HttpMock = Static<typeof HttpMockSchema>;
export type ConversationTest = Static<typeof ConversationTestSchema>;
export type TestSuite = Static<typeof TestSuiteSchema>;
export type TestFile = Static<typeof TestFileSchema>;
export type IntentMode = 'scripted' | 'local';

/** The kinds of step: actions move the conversation, the others check what it did. */
export type StepKind = keyof typeof stepProperties;
export const ACTION_KINDS: ReadonlySet<StepKind> = new Set<StepKind>(['user', 'choice', 'silence']);

export function stepKind(step: TestStep): StepKind {
  return Object.keys(step)[0] as StepKind;
}

let validators: { file: ValidateFunction; suite: ValidateFunction } | undefined;

function compiledValidators(): { file: ValidateFunction; suite: ValidateFunction } {
  if (!validators) {
    // verbose: each error carries its data and schema, which testDocumentProblems words them with.
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    validators = { file: ajv.compile(TestFileSchema), suite: ajv.compile(TestSuiteSchema) };
  }
  return validators;
}

export type TestDocumentCheck<T> = { ok: true; value: T } | { ok: false; errors: FlowProblem[] };

/**
 * What the schema cannot say, at its pointer: `/regex/flags` texts that do not compile or are unsafe
 * (`invalid_regex`, `unsafe_regex`), and `user` texts the server would refuse as empty (`invalid_value`).
 */
function semanticProblems(document: TestSuite): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const checker = new RedosChecker();
  const check = (path: string, text: string | undefined): void => {
    const problem = text === undefined ? undefined : textPatternProblem(text, checker);
    if (problem !== undefined) problems.push({ path, ...problem });
  };
  document.tests.forEach((test, t) => {
    test.steps.forEach((step, s) => check(`/tests/${t}/steps/${s}/bot`, step.bot));
    test.steps.forEach((step, s) => {
      if (step.user !== undefined && userMessageText(step.user) === '')
        problems.push({
          path: `/tests/${t}/steps/${s}/user`,
          code: 'invalid_value',
          message: 'is empty once control characters are removed and it is trimmed, and the server refuses such a message',
        });
    });
    for (const [block, mocks] of Object.entries(test.mocks?.http ?? {})) {
      mocks.forEach((mock, m) => check(`/tests/${t}/mocks/http/${block}/${m}/url`, mock.url));
    }
  });
  return problems;
}

function checked<T extends TestSuite>(validate: ValidateFunction, input: unknown): TestDocumentCheck<T> {
  if (!validate(input)) return { ok: false, errors: testDocumentProblems(validate.errors ?? []) };
  const problems = semanticProblems(input as T);
  return problems.length === 0 ? { ok: true, value: input as T } : { ok: false, errors: problems };
}

/** Checks a test file's shape; every problem at its JSON pointer (`/tests/0/steps/3/bot`). */
export function checkTestFile(input: unknown): TestDocumentCheck<TestFile> {
  return checked<TestFile>(compiledValidators().file, input);
}

/** Checks a test document sent over REST (no `flow`: the version in the path is the flow). */
export function checkTestSuite(input: unknown): TestDocumentCheck<TestSuite> {
  return checked<TestSuite>(compiledValidators().suite, input);
}
