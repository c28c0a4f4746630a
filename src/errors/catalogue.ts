import type { FlowProblem } from '../flow/problems';
import { AppError } from './app-error';

/**
 * Every error flowbot answers with, declared once: code, HTTP status, WebSocket close code (when the
 * error ends a connection) and message. Code throws them by name (`throw errors.unknownConversation(id)`)
 * and checks them by name (`errors.storageUnavailable.is(err)`); transports read status and close
 * code off the error, and the README's error table is checked against this list by a test.
 * Modelled on Fastify's lib/errors.js.
 */

/** WebSocket close codes (RFC 6455 standard ones, and 4000-4999 for this application). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  invalidPayload: 1007,
  tooBig: 1009,
  serverError: 1011,
  unknownConversation: 4404,
  idle: 4408,
  replaced: 4409,
  conversationEnded: 4410,
  unavailable: 4503,
} as const;

export interface ErrorDefinition<Args extends unknown[], Code extends string = string> {
  (...args: Args): AppError;
  readonly code: Code;
  readonly status: number;
  readonly closeCode: number | undefined;
  /** When a client meets this error, for the docs. */
  readonly description: string;
  /** True for an AppError of this definition. */
  is(err: unknown): err is AppError;
}

interface Spec<Args extends unknown[]> {
  status: number;
  closeCode?: number;
  description: string;
  message: (...args: Args) => string;
  /** Set when `message` holds details for the logs only: the client is told this instead. */
  publicMessage?: string;
  problems?: (...args: Args) => FlowProblem[];
  cause?: (...args: Args) => unknown;
}

function define<const Code extends string, Args extends unknown[]>(code: Code, spec: Spec<Args>): ErrorDefinition<Args, Code> {
  const create = (...args: Args): AppError => {
    const options: ConstructorParameters<typeof AppError>[4] = {};
    if (spec.problems) options.errors = spec.problems(...args);
    if (spec.cause) options.cause = spec.cause(...args);
    if (spec.publicMessage !== undefined) options.publicMessage = spec.publicMessage;
    return new AppError(code, spec.status, spec.closeCode, spec.message(...args), options);
  };
  return Object.assign(create, {
    code,
    status: spec.status,
    closeCode: spec.closeCode,
    description: spec.description,
    is: (err: unknown): err is AppError => err instanceof AppError && err.code === code,
  });
}

export const errors = {
  badRequest: define('bad_request', {
    status: 400,
    description: 'the request is not valid HTTP (e.g. a malformed header), answered before any route',
    message: () => 'the request is not valid HTTP',
  }),
  headersTooLarge: define('headers_too_large', {
    status: 431,
    description: "the request line and headers together exceed the server's limit (Node's 16 KiB), answered before any route",
    message: () => 'the request headers are too large',
  }),
  invalidUrl: define('invalid_url', {
    status: 400,
    description: 'the URL has invalid percent-encoding',
    message: () => 'the URL has invalid percent-encoding',
  }),
  invalidJson: define('invalid_json', {
    status: 400,
    description: 'the body is empty or not valid JSON',
    message: (detail: string) => detail,
  }),
  invalidEncoding: define('invalid_encoding', {
    status: 400,
    description: 'the body is not valid UTF-8',
    message: () => 'the body is not valid UTF-8',
  }),
  invalidParameter: define('invalid_parameter', {
    status: 400,
    description: 'a path or query parameter is malformed, out of range or unknown',
    message: (detail: string) => detail,
  }),
  invalidCursor: define('invalid_cursor', {
    status: 400,
    description: 'a `cursor` that the server did not hand out',
    message: () => 'the cursor is invalid',
  }),
  unauthorized: define('unauthorized', {
    status: 401,
    description: 'API_TOKEN is set and the request has no valid `Authorization: Bearer` header',
    message: () => 'a valid bearer token is required (Authorization: Bearer <API_TOKEN>)',
  }),
  notFound: define('not_found', {
    status: 404,
    description: 'no such endpoint, flow version or conversation',
    message: (what?: string) => (what === undefined ? 'no such endpoint' : `${what} not found`),
  }),
  methodNotAllowed: define('method_not_allowed', {
    status: 405,
    description: 'the endpoint exists but not with this method',
    message: () => 'method not allowed on this endpoint',
  }),
  notAcceptable: define('not_acceptable', {
    status: 406,
    description: 'the Accept header asks for a media type the endpoint cannot answer in',
    message: () => 'cannot answer in an acceptable media type',
  }),
  payloadTooLarge: define('payload_too_large', {
    status: 413,
    description: 'the body is larger than MAX_BODY_BYTES',
    message: (maxBytes: number) => `the body is larger than ${maxBytes} bytes`,
  }),
  unsupportedMediaType: define('unsupported_media_type', {
    status: 415,
    description: 'the body is not sent as `Content-Type: application/json`',
    message: () => 'the body must be JSON (Content-Type: application/json)',
  }),
  invalidFlow: define('invalid_flow', {
    status: 422,
    description: 'the flow breaks the schema, a semantic rule or a limit; `errors` lists every problem',
    message: (problems: FlowProblem[]) => `the flow has ${problems.length} error(s)`,
    problems: (problems: FlowProblem[]) => problems,
  }),
  invalidBody: define('invalid_body', {
    status: 422,
    description: 'a JSON body of the wrong shape (a new bot, the detect and tests endpoints); `errors` says where',
    message: (detail: string, _problems: FlowProblem[]) => detail,
    problems: (_detail: string, problems: FlowProblem[]) => problems,
  }),
  unknownBot: define('unknown_bot', {
    status: 404,
    closeCode: CLOSE_CODES.unknownConversation,
    description: 'no bot has this id (`/api/bots/{bot}/...`, `/ws?bot=`); on the WebSocket the socket is then closed',
    message: (bot: string) => `bot "${bot}" does not exist`,
  }),
  unknownVersion: define('unknown_version', {
    status: 404,
    closeCode: CLOSE_CODES.unknownConversation,
    description: '`/ws?version=` names a version the bot does not have; the socket is then closed',
    message: (bot: string, version: number) => `bot "${bot}" has no flow version ${version}`,
  }),
  botExists: define('bot_exists', {
    status: 409,
    description: '`POST /api/bots` with the id of a bot that exists already',
    message: (bot: string) => `bot "${bot}" exists already`,
  }),
  botInUse: define('bot_in_use', {
    status: 409,
    description: '`DELETE /api/bots/{bot}` while the bot has active conversations; retry once they have ended or expired',
    message: (bot: string) => `bot "${bot}" has active conversations; it can be deleted once they have ended or expired`,
  }),
  defaultBot: define('default_bot', {
    status: 409,
    description: '`DELETE /api/bots/default`: the default bot always exists',
    message: () => 'the default bot cannot be deleted',
  }),
  internalError: define('internal_error', {
    status: 500,
    closeCode: CLOSE_CODES.serverError,
    description: 'a bug; logged on the server, never with details in the answer',
    message: (what: string = 'internal error') => what,
  }),
  storageUnavailable: define('storage_unavailable', {
    status: 503,
    closeCode: CLOSE_CODES.unavailable,
    description: 'the database cannot be read or written right now (read-only, full, locked); retry later',
    message: (detail: string, _cause?: unknown) => detail,
    publicMessage: 'storage is unavailable right now; try again later (a conversation resumes from its last stored turn)',
    cause: (_detail: string, cause?: unknown) => cause,
  }),
  noFlow: define('no_flow', {
    status: 503,
    closeCode: CLOSE_CODES.unavailable,
    description: 'no flow is stored yet, so no conversation can start; upload one with POST /api/flows',
    // Names the bot, and the way out when versions exist but none is current (only drafts).
    message: (bot: string) => `bot "${bot}" has no current flow version: upload a flow, or activate a draft`,
  }),
  tooManyConnections: define('too_many_connections', {
    status: 503,
    description: 'the WebSocket upgrade is refused: MAX_CONNECTIONS connections are open',
    message: () => 'WebSocket upgrade refused: too many connections',
  }),
  // WebSocket-only: sent as an `error` frame.
  invalidMessage: define('invalid_message', {
    status: 400,
    description: 'a client frame that is not a valid message; the connection stays open',
    message: (detail: string) => detail,
  }),
  rateLimited: define('rate_limited', {
    status: 429,
    description:
      'more messages than WS_MESSAGES_PER_SECOND (after a burst of WS_MESSAGE_BURST); the frame is dropped, the connection stays open',
    message: (perSecond: number) => `too many messages; at most ${perSecond} per second`,
  }),
  unknownConversation: define('unknown_conversation', {
    status: 404,
    closeCode: CLOSE_CODES.unknownConversation,
    description: '`/ws?conversationId=` names no stored conversation',
    message: (id: string) => `conversation ${id} does not exist`,
  }),
  conversationEnded: define('conversation_ended', {
    status: 410,
    closeCode: CLOSE_CODES.conversationEnded,
    description: '`/ws?conversationId=` names a conversation that has ended or expired',
    message: (id: string, how: 'ended' | 'expired') => `conversation ${id} has ${how}`,
  }),
  conversationErased: define('conversation_erased', {
    status: 410,
    closeCode: CLOSE_CODES.conversationEnded,
    description: 'the conversation was erased (`DELETE /api/conversations/{id}`) while connected; nothing of it is kept',
    message: () => 'this conversation has been erased',
  }),
  conversationExpired: define('conversation_expired', {
    status: 410,
    closeCode: CLOSE_CODES.idle,
    description: 'the conversation was idle for IDLE_TIMEOUT_MS and is now abandoned',
    message: () => 'the conversation was idle for too long and has expired',
  }),
  replaced: define('replaced', {
    status: 409,
    closeCode: CLOSE_CODES.replaced,
    description: 'another connection resumed this conversation and now receives its turns',
    message: () => 'this conversation was resumed by another connection',
  }),
  conversationTakenOver: define('conversation_taken_over', {
    status: 409,
    closeCode: CLOSE_CODES.replaced,
    description:
      'a turn was refused because another instance (or connection) took the conversation over meanwhile; nothing of it was stored or shown, the socket is closed as `replaced`',
    message: (id: string) => `conversation ${id} was taken over by another owner; the turn was not stored`,
  }),
  flowError: define('flow_error', {
    status: 500,
    closeCode: CLOSE_CODES.serverError,
    description: 'the flow failed while running (a bug in the flow engine); the conversation keeps its last stored state',
    message: () => 'the conversation failed',
  }),
} as const;

export type ErrorName = keyof typeof errors;

/** Every definition, for docs and tests. */
export const ERROR_CATALOGUE: ReadonlyArray<ErrorDefinition<never[]>> = Object.values(errors);
