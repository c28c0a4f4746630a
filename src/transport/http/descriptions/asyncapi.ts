import { CLOSE_CODES, ERROR_CATALOGUE, errors } from '../../../errors';
import { WS_PATH } from '../../ws/gateway';
import type { RecordedExamples } from './examples';
import { choiceFrame, SERVER_FRAMES, userMessageFrame } from './frame-schemas';
import { hoistTitled, type Json, type JsonObject, plain } from './json-schema';

export interface AsyncApiOptions {
  version: string;
  /** The server's limits, so that the document says what this server accepts. */
  maxMessageChars: number;
  maxPayloadBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  heartbeatMs: number;
  examples: RecordedExamples['asyncapi'];
}

export interface CloseCode {
  code: number;
  /** The close reason the server sends, when it sends one. */
  reason?: string;
  description: string;
}

/** Close codes that are not an error of the catalogue (those come with an `error` frame first). */
const PLAIN_CLOSES: CloseCode[] = [
  { code: CLOSE_CODES.normal, reason: 'conversation ended', description: 'the flow ended (after the `end` frame)' },
  {
    code: CLOSE_CODES.goingAway,
    reason: 'server shutting down',
    description: 'the server is shutting down; reconnect with `conversationId` to resume',
  },
  { code: CLOSE_CODES.invalidPayload, description: 'a text frame that is not valid UTF-8 (RFC 6455 requires failing the connection)' },
  { code: CLOSE_CODES.tooBig, description: 'a frame larger than WS_MAX_PAYLOAD_BYTES' },
];

/** Every close code the server uses: the plain ones, then each catalogue error that ends a connection. */
export function closeCodes(): CloseCode[] {
  const fromErrors = ERROR_CATALOGUE.filter((d) => d.closeCode !== undefined).map((d) => ({
    code: d.closeCode as number,
    reason: d.code,
    description: `after an \`error\` frame \`${d.code}\`: ${d.description}`,
  }));
  return [...PLAIN_CLOSES, ...fromErrors];
}

/** HTTP answers that refuse the upgrade, before any frame, in the REST error shape. */
const UPGRADE_REFUSALS = [errors.notFound, errors.invalidUrl, errors.invalidParameter, errors.unauthorized, errors.tooManyConnections];

const CHANNEL = 'chat';
const MESSAGES = '#/components/messages/';

const message = (name: string, schemaRef: string, summary: string, examples: Json[] | undefined): JsonObject => ({
  name,
  title: name,
  summary,
  contentType: 'application/json',
  payload: { $ref: schemaRef },
  ...(examples?.length
    ? { examples: examples.slice(0, 3).map((payload, i) => ({ name: `${name}${i + 1}`, summary: 'a real frame', payload })) }
    : {}),
});

const SUMMARIES: Record<string, string> = {
  conversation: 'first frame: the conversation id and flow version',
  botMessage: 'a bot message',
  waiting: 'the bot waits for the user',
  end: 'the flow ended',
  error: 'an error; some codes end the connection',
};

/**
 * The AsyncAPI 3.0 document of the chat WebSocket: both directions' frames (the schemas of
 * ./frame-schemas.ts), the query parameters, and every close code (catalogue errors and the plain ones).
 */
export function buildAsyncApiDocument(options: AsyncApiOptions): JsonObject {
  const schemas: Record<string, JsonObject> = {};
  const messages: Record<string, JsonObject> = {};
  const frameRef = (schema: unknown): string => {
    const ref = hoistTitled(plain(schema), schemas, '#/components/schemas/') as { $ref: string };
    return ref.$ref;
  };
  for (const [name, schema] of Object.entries(SERVER_FRAMES)) {
    messages[name] = message(name, frameRef(schema), SUMMARIES[name] ?? name, options.examples[name]);
  }
  messages.userMessage = message(
    'userMessage',
    frameRef(userMessageFrame(options.maxMessageChars)),
    'a user message',
    options.examples.userMessage,
  );
  messages.choiceMessage = message(
    'choiceMessage',
    frameRef(choiceFrame(options.maxMessageChars)),
    'a choice picked (a button)',
    options.examples.choiceMessage,
  );
  const codes = closeCodes();
  const channelMessages = Object.fromEntries(Object.keys(messages).map((name) => [name, { $ref: `${MESSAGES}${name}` }]));
  const serverMessages = Object.keys(SERVER_FRAMES).map((name) => ({ $ref: `#/channels/${CHANNEL}/messages/${name}` }));

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'flowbot chat WebSocket',
      version: options.version,
      description: [
        'One conversation per connection, one JSON object per text frame. A new connection starts a conversation on the current flow version of the `default` bot, or of the bot named by `?bot=`; `?version=` starts one on any stored version of that bot instead (a preview, drafts included), which needs the API token when the server sets `API_TOKEN`: as `Authorization: Bearer <token>` on the upgrade, or as the subprotocol `bearer.<token>` (browsers cannot set headers on a WebSocket), which the server then accepts as the protocol. `?conversationId=` resumes one that has not ended (after a dropped connection or a restart), on the version it started with.',
        '',
        `Limits of this server: frames up to ${options.maxPayloadBytes} bytes (WS_MAX_PAYLOAD_BYTES; larger closes with 1009); ${options.messagesPerSecond} messages per second after a burst of ${options.messageBurst} (excess frames get \`rate_limited\`); a ping every ${options.heartbeatMs} ms, and a peer that misses one is dropped. A message sent while the bot is busy is queued and handled in order; none is dropped. Each turn is stored before any of its frames is sent.`,
        '',
        `The upgrade is refused, before any frame, with an HTTP answer in the REST error shape: ${UPGRADE_REFUSALS.map((d) => `${d.status} \`${d.code}\` (${d.description})`).join('; ')}.`,
        '',
        'Close codes:',
        '',
        ...codes.map((c) => `- \`${c.code}\`${c.reason ? ` (reason \`${c.reason}\`)` : ''}: ${c.description}`),
        '',
        'A connection the server terminates (a peer that misses a ping, a client that does not read) ends without a close frame (1006 at the client).',
      ].join('\n'),
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    defaultContentType: 'application/json',
    servers: {
      flowbot: {
        host: '{host}',
        protocol: 'ws',
        description: 'a flowbot server (use `wss` behind a TLS proxy)',
        variables: { host: { default: '127.0.0.1:8080', description: 'HOST:PORT of the server' } },
      },
    },
    channels: {
      [CHANNEL]: {
        address: WS_PATH,
        title: 'Chat',
        description: 'The conversation: server frames to the client, user messages to the server.',
        messages: channelMessages,
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              additionalProperties: false,
              properties: {
                conversationId: {
                  type: 'string',
                  description:
                    'resume this conversation; unknown: `error` `unknown_conversation` and close 4404; ended or expired: `conversation_ended` and 4410',
                },
                bot: {
                  type: 'string',
                  pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$',
                  description: 'start a conversation with this bot (default: `default`); unknown: `error` `unknown_bot` and close 4404',
                },
                version: {
                  type: 'string',
                  pattern: '^[1-9][0-9]{0,9}$',
                  description:
                    'a preview: start on this stored version of the bot instead of its current one; needs the API token when one is set (401 otherwise); unknown: `error` `unknown_version` and close 4404',
                },
              },
            },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations: {
      sendServerFrames: {
        action: 'send',
        title: 'Server frames',
        summary: 'What the server sends: `conversation` first, then bot messages, `waiting`, `end` or `error`.',
        channel: { $ref: `#/channels/${CHANNEL}` },
        messages: serverMessages,
      },
      receiveUserMessages: {
        action: 'receive',
        title: 'User messages',
        summary: 'What the client sends: user messages and choices.',
        channel: { $ref: `#/channels/${CHANNEL}` },
        messages: [{ $ref: `#/channels/${CHANNEL}/messages/userMessage` }, { $ref: `#/channels/${CHANNEL}/messages/choiceMessage` }],
      },
    },
    components: { schemas, messages },
    'x-close-codes': codes as unknown as Json,
    'x-upgrade-refusals': UPGRADE_REFUSALS.map((d) => ({ status: d.status, code: d.code, description: d.description })),
  };
}
