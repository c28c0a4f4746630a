import { type Static, type TSchema, type TString, Type } from '@sinclair/typebox';
import type { Step as FlowStep } from '../../../flow/step';

/**
 * JSON Schemas of what the REST API answers, shared by the route definitions. A schema with a `title`
 * becomes a named component of the OpenAPI document (`#/components/schemas/<title>`). The TypeScript
 * types of the service results must fit them (the route handlers are type-checked against them), and
 * every integration test validates the real answers against the document built from them.
 */

const dateTime = (description: string): TString => Type.String({ format: 'date-time', description });
const nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

export const BLOCK_ID_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,63}$';

export const FlowProblem = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer (RFC 6901) into the flow document', examples: ['/blocks/2/next'] }),
    code: Type.String({ description: 'stable machine-readable code of the problem', examples: ['unknown_block'] }),
    message: Type.String({ description: 'what is wrong, in words' }),
  },
  { title: 'FlowProblem', additionalProperties: false, description: 'One problem found in a flow: where, what and why.' },
);

const warnings = Type.Array(FlowProblem, { description: 'problems that do not stop the flow (e.g. `unreachable_block`)' });

export const FlowVersionSummary = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version number, 1 for the first upload' }),
    name: Type.String({ description: "the flow's `name`" }),
    createdAt: dateTime('when the version was uploaded'),
    current: Type.Boolean({ description: 'whether new conversations start on this version' }),
  },
  { title: 'FlowVersionSummary', additionalProperties: false },
);

export const FlowVersionPage = Type.Object(
  {
    items: Type.Array(FlowVersionSummary, { description: 'newest first' }),
    nextCursor: nullable(Type.String(), 'pass back as `cursor` for the next page; null on the last page'),
  },
  { title: 'FlowVersionPage', additionalProperties: false },
);

export const UploadResult = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version the upload is stored as (or already was, when `unchanged`)' }),
    createdAt: dateTime('when that version was stored'),
    warnings,
    unchanged: Type.Boolean({
      description: 'true when the body is byte for byte the current version: no new version was made',
    }),
  },
  { title: 'UploadResult', additionalProperties: false },
);

export const ValidationResult = Type.Object(
  { valid: Type.Literal(true), warnings },
  { title: 'ValidationResult', additionalProperties: false, description: 'An invalid flow answers 422 `invalid_flow` instead.' },
);

export const MachineConfig = Type.Object(
  {},
  {
    title: 'MachineConfig',
    additionalProperties: true,
    description:
      'The compiled XState v5 machine config, exactly what `createMachine()` accepts: one state per block, named by its id; behaviour is referenced by name (`say`, `step`, `detectIntent`).',
  },
);

export const DetectAnswer = Type.Object(
  {
    intent: Type.String({ description: 'an intent id of the block, or `none`' }),
    confidence: nullable(
      Type.Number({ minimum: 0, maximum: 1 }),
      'how likely the answer is right; null when the provider has no notion of it (OpenAI)',
    ),
    provider: Type.Union([Type.Literal('local'), Type.Literal('openai')], { description: 'who answered' }),
    ranking: Type.Array(
      Type.Object(
        { intent: Type.String(), score: nullable(Type.Number({ minimum: 0, maximum: 1 }), 'null when the provider gives no scores') },
        { additionalProperties: false },
      ),
      { description: 'best first; a provider without scores lists its one choice' },
    ),
    fallbackReason: Type.Optional(Type.String({ description: 'set when the configured provider failed and another one answered' })),
  },
  { title: 'DetectAnswer', additionalProperties: false },
);

const diagramNode = Type.Object(
  {
    node: Type.String({ description: 'the node id in `mermaid` (`b<index in the flow>`, the same in every view)' }),
    type: Type.Union([Type.Literal('message'), Type.Literal('wait'), Type.Literal('intent'), Type.Literal('end')]),
    more: Type.Optional(Type.Literal(true, { description: 'neighbourhood views only: the block leads on to blocks the view leaves out' })),
  },
  { additionalProperties: false },
);

export const FlowDiagram = Type.Object(
  {
    mermaid: Type.String({ description: 'a Mermaid `stateDiagram-v2`: the whole flow, or the neighbourhood of `around`' }),
    nodes: Type.Record(Type.String(), diagramNode, { description: 'every block drawn in `mermaid`, by block id' }),
    blockCount: Type.Integer({ minimum: 1, description: 'blocks in the whole flow' }),
    start: Type.String(),
    around: nullable(Type.String(), "the neighbourhood's centre; null for the whole flow"),
    depth: nullable(Type.Integer({ minimum: 1 }), "the neighbourhood's depth; null for the whole flow"),
  },
  { title: 'FlowDiagram', additionalProperties: false, description: 'What the web page draws (`format=diagram`).' },
);

export const Bot = Type.Object(
  {
    id: Type.String({ pattern: BLOCK_ID_PATTERN, description: 'the bot id, used in paths (`/api/bots/{id}/flows`) and `/ws?bot=`' }),
    name: Type.String({ description: 'a name for people' }),
    currentVersion: nullable(Type.Integer({ minimum: 1 }), 'the version new conversations start on; null before one is made current'),
    createdAt: dateTime('when the bot was created'),
  },
  { title: 'Bot', additionalProperties: false, description: 'A named series of flow versions with its own current version.' },
);

export const BotList = Type.Object(
  { items: Type.Array(Bot, { description: '`default` first, then by id' }) },
  { title: 'BotList', additionalProperties: false },
);

const transition = Type.Object(
  {
    from: Type.String({ description: 'the block the transition leaves' }),
    on: Type.String({
      description:
        'what takes it: `next`, `choice:<value>`, `case:<index>`, `else`, `intent:<id>`, `noMatch`, `maxNoMatch`, `error`, `invalid`, `silence`, `reprompt:invalid` or `reprompt:silence`',
    }),
    to: Type.String({ description: 'the block it enters' }),
  },
  { additionalProperties: false },
);

export const FlowVersionDiff = Type.Object(
  {
    from: Type.Integer({ minimum: 1, description: 'the version compared from' }),
    to: Type.Integer({ minimum: 1, description: 'the version compared to' }),
    properties: Type.Array(Type.String(), { description: 'top-level properties other than `blocks` that differ (`name`, `start`, ...)' }),
    blocks: Type.Object(
      {
        added: Type.Array(Type.String(), { description: 'ids of blocks only in `to`' }),
        removed: Type.Array(Type.String(), { description: 'ids of blocks only in `from`' }),
        changed: Type.Array(
          Type.Object(
            { id: Type.String(), fields: Type.Array(Type.String(), { description: 'the fields whose value differs' }) },
            { additionalProperties: false },
          ),
          { description: 'blocks in both whose content differs' },
        ),
      },
      { additionalProperties: false },
    ),
    transitions: Type.Object(
      {
        added: Type.Array(transition),
        removed: Type.Array(transition),
        changed: Type.Array(
          Type.Object(
            { from: Type.String(), on: Type.String(), before: Type.String(), after: Type.String() },
            { additionalProperties: false, description: 'the same way out of the same block, now into another block' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { title: 'FlowVersionDiff', additionalProperties: false, description: 'What changed from version `from` to version `to`.' },
);

const conversationFields = {
  id: Type.String({ description: 'the conversation id (a UUID for conversations started over the WebSocket)' }),
  bot: Type.Optional(Type.String({ description: 'the bot it belongs to; absent for the `default` bot' })),
  flowVersion: Type.Integer({ minimum: 1, description: 'the flow version the conversation runs on, for its whole life' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('completed'), Type.Literal('abandoned')], {
    description: '`active` (resumable), `completed` (the flow ended) or `abandoned` (idle for IDLE_TIMEOUT_MS)',
  }),
  variables: Type.Object(
    {},
    {
      additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
      description:
        'JSON scalars by name: the `saveAs`, `set` and `save` variables and the builtins `lastMessage`, `intent`, `httpError` and `httpStatus`',
    },
  ),
  currentBlock: nullable(Type.String(), 'the block it waits or ended at; null before the first turn is stored'),
  createdAt: dateTime('when the conversation started'),
  updatedAt: dateTime('when its last turn was stored'),
};

export const Conversation = Type.Object(conversationFields, { title: 'Conversation', additionalProperties: false });

export const ConversationPage = Type.Object(
  {
    items: Type.Array(Conversation, { description: 'newest first' }),
    nextCursor: nullable(Type.String(), 'pass back as `cursor` for the next page; null on the last page'),
  },
  { title: 'ConversationPage', additionalProperties: false },
);

export const Message = Type.Object(
  {
    from: Type.Union([Type.Literal('user'), Type.Literal('bot')]),
    text: Type.String(),
    blockId: Type.String({ description: 'the block that sent it, or the wait block that received it' }),
    at: dateTime('when it was stored'),
  },
  { title: 'Message', additionalProperties: false },
);

export const Step = Type.Object(
  {
    from: nullable(Type.String(), 'the block left; null for the first step into the start block'),
    to: Type.String({ description: 'the block entered' }),
    event: Type.String({
      description:
        'what moved the conversation: `start`, `next`, `user.message`, `choice`, `answer.invalid`, `answer.maxTries`, `silence`, `silence.maxTimes`, `condition.case`, `condition.else`, `intent.matched`, `intent.noMatch`, `intent.maxNoMatch`, `intent.error`, `http.ok` or `http.error`',
    }),
    case: Type.Optional(
      Type.Integer({ minimum: 0, description: 'which case of the condition block held, from 0 (`condition.case` steps)' }),
    ),
    choice: Type.Optional(Type.String({ description: 'the value of the choice the user picked (`choice` steps)' })),
    intent: Type.Optional(Type.String({ description: 'the intent detected (`none` for no match)' })),
    provider: Type.Optional(Type.String({ description: 'who detected it: `local` or `openai`' })),
    confidence: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'how sure the provider was, when it has a notion of confidence (the local classifier)',
      }),
    ),
    runnerUp: Type.Optional(Type.String({ description: 'the second-best intent, where the provider ranks its answers' })),
    runnerUpScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: "the runner-up's score" })),
    fallbackReason: Type.Optional(Type.String({ description: 'why another provider answered (e.g. `timeout`), when one did' })),
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, description: 'how long the detection (or the http call) took' })),
    error: Type.Optional(
      Type.String({ description: 'why detection failed outright (`intent.error` steps), or why the call failed (`http.error` steps)' }),
    ),
    method: Type.Optional(Type.String({ description: 'the method of the http call (`http.*` steps)' })),
    url: Type.Optional(Type.String({ description: 'the URL called, every secret replaced by `***` (`http.*` steps)' })),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 999, description: 'the status code of the answer, when there was one' })),
    httpError: Type.Optional(
      Type.Union(
        ['timeout', 'network', 'blocked', 'status', 'too_large', 'invalid_json'].map((code) => Type.Literal(code)),
        { description: 'how the call failed (`http.error` steps)' },
      ),
    ),
    at: dateTime('when it happened'),
  },
  { title: 'Step', additionalProperties: false },
);
// The history answer shows every field of the one step type (src/flow/step.ts): a field added there
// and not here (or the reverse) fails the type check.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
const stepSchemaCoversStepType: SameKeys<Static<typeof Step>, FlowStep & { at: string }> = true;
void stepSchemaCoversStepType;

export const ConversationDetail = Type.Object(
  {
    ...conversationFields,
    messages: Type.Array(Message, { description: 'every message, in order' }),
    steps: Type.Array(Step, { description: 'every transition, in order' }),
  },
  { title: 'ConversationDetail', additionalProperties: false },
);

export const HealthReport = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('not_ready'), Type.Literal('unavailable')], {
      description:
        '`ok` (200); `not_ready` (503: no flow is stored, so no conversation can start); `unavailable` (503: the database does not take writes)',
    }),
    reason: Type.Optional(
      Type.Union([Type.Literal('no_flow'), Type.Literal('storage_unavailable')], {
        description: 'why the server is not ready: an error code',
      }),
    ),
    message: Type.Optional(Type.String({ description: 'what to do about it, in words' })),
    storage: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], {
      description: 'where everything is stored: SQLite at DATABASE_PATH, or PostgreSQL at DATABASE_URL',
    }),
    instance: Type.String({ description: 'this instance (INSTANCE_ID; default: host name and process id)' }),
    database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')], { description: 'whether the database takes writes' }),
    flowVersion: nullable(Type.Integer({ minimum: 1 }), 'the current flow version; null when no flow is stored'),
    intent: Type.Object(
      {
        provider: Type.Union([Type.Literal('local'), Type.Literal('openai')]),
        model: Type.Optional(Type.String()),
        breaker: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')])),
        consecutiveFailures: Type.Optional(Type.Integer({ minimum: 0 })),
        cacheSize: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      {
        additionalProperties: false,
        description: 'the intent provider; with OpenAI also the model, the circuit breaker and the answer cache',
      },
    ),
    http: Type.Object(
      {
        calls: Type.Integer({ minimum: 0, description: 'calls of http blocks since the server started' }),
        failures: Type.Integer({ minimum: 0, description: 'those that went to `onError`' }),
        failuresByError: Type.Object(
          Object.fromEntries(
            ['timeout', 'network', 'blocked', 'status', 'too_large', 'invalid_json'].map((code) => [
              code,
              Type.Optional(Type.Integer({ minimum: 1 })),
            ]),
          ),
          { additionalProperties: false, description: 'the failures by `httpError` (only the codes that happened)' },
        ),
      },
      { additionalProperties: false, description: 'outbound calls of http blocks: how many, and how many failed' },
    ),
    connections: Type.Integer({ minimum: 0, description: 'open WebSocket connections' }),
    liveConversations: Type.Integer({ minimum: 0, description: 'conversations running in this process' }),
    uptimeSeconds: Type.Integer({ minimum: 0 }),
  },
  { title: 'HealthReport', additionalProperties: false },
);

/** A JSON document described elsewhere (the OpenAPI and AsyncAPI documents, the flow schema): only its header fields here. */
export const jsonDocument = (description: string, header: Record<string, string>) => {
  const properties = Object.fromEntries(Object.entries(header).map(([name, about]) => [name, Type.String({ description: about })]));
  return Type.Unsafe<Record<string, unknown>>(Type.Object(properties, { additionalProperties: true, description }));
};
