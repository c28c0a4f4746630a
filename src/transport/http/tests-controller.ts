import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import type { BotService } from '../../services/bot-service';
import type { FlowTestService } from '../../services/test-service';
import { TestStepSchema, TestSuiteSchema } from '../../testing';
import { flowScopes } from './flows-controller';
import { readJsonBody } from './read-json-body';
import { JSON_BODY_ERRORS } from './routes/common-errors';
import { versionOrCurrent } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';

const TestFailure = Type.Object(
  {
    step: Type.Integer({
      minimum: -1,
      description:
        'index of the failing step in `steps` (-1: at the start, before the first step; the number of steps: at the end, e.g. mocks no call used)',
    }),
    action: Type.Union([TestStepSchema, Type.Null()], {
      description: 'the failing step as written (null before the first or after the last)',
    }),
    expected: Type.String(),
    actual: Type.String({ description: 'what came instead' }),
  },
  { additionalProperties: false },
);

export const TestRunResult = Type.Object(
  {
    passed: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    coverage: Type.Number({ minimum: 0, maximum: 1, description: "share of the compiled machine's transitions the tests took" }),
    uncovered: Type.Array(Type.String(), { description: 'the transitions no test took, as `from -> to (event)`' }),
    results: Type.Array(
      Type.Object({ name: Type.String(), passed: Type.Boolean(), failure: Type.Optional(TestFailure) }, { additionalProperties: false }),
    ),
  },
  { title: 'TestRunResult', additionalProperties: false },
);

const flowVersionHeader = {
  description: 'the flow version the conversation ran on (run the test against it)',
  schema: Type.String({ pattern: '^[1-9][0-9]*$' }),
  required: true,
};

/**
 * Conversation tests over REST: run a test document on a stored version (of the `default` bot under
 * /api/flows, of any bot under /api/bots/{bot}/flows); a conversation as a test.
 */
export function testRoutes(tests: FlowTestService, bots: BotService, maxBodyBytes: number): AnyRoute[] {
  const runRoutes = flowScopes(bots).map((scope) =>
    defineRoute({
      method: 'POST',
      path: `${scope.base}/{version}/tests`,
      operationId: scope.operationId('runFlowTests'),
      tag: scope.tag,
      summary: 'Run conversation tests against a flow version',
      description:
        'Runs each test of the document (as `flowbot test` runs a file, without `flow`) on that version, on the runtime conversations use, with silences on a virtual clock and http blocks answered by the mocks of the test (never by the HTTP client of the server: a call without a mock fails its test). A failing test is a 200 like a passing one: the answer says which step failed, what was expected and what came. Nothing is stored.',
      secured: true,
      storage: true,
      params: Type.Object({ ...scope.params, version: versionOrCurrent }),
      query: Type.Object({}),
      body: { description: 'a test document', schema: TestSuiteSchema, mediaType: 'application/json' },
      responses: { 200: { description: 'the results and the coverage', content: { 'application/json': TestRunResult } } },
      errors: [...JSON_BODY_ERRORS, errors.invalidBody, errors.notFound, ...(scope.params.bot ? [errors.unknownBot] : [])],
    })(async ({ params, req }) => {
      const flows = await scope.flows(params);
      const body = await readJsonBody(req, maxBodyBytes);
      return { status: 200, json: await tests.run(flows, String(params.version), body.value) };
    }),
  );
  return [
    ...runRoutes,
    defineRoute({
      method: 'GET',
      path: '/api/conversations/{id}/test',
      operationId: 'getConversationTest',
      tag: 'conversations',
      summary: 'A test document that replays a conversation',
      description:
        'What the user sent and when they were silent become actions, the intents detected are scripted, and every bot message, where it waited or ended and its variables are expected: run it against the version in `X-Flow-Version` (it passes) or a newer one (it shows what changed).',
      secured: true,
      storage: true,
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'the conversation id' }) }),
      query: Type.Object({}),
      responses: {
        200: {
          description: 'a test document',
          content: { 'application/json': TestSuiteSchema },
          headers: { 'X-Flow-Version': flowVersionHeader },
        },
      },
      errors: [errors.notFound],
    })(async ({ params }) => {
      const { flowVersion, suite } = await tests.fromConversation(params.id);
      return { status: 200, headers: { 'X-Flow-Version': String(flowVersion) }, json: suite };
    }),
  ];
}
