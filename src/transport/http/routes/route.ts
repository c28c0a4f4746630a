import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Request } from 'restify';
import type { ErrorDefinition } from '../../../errors';

/**
 * One HTTP route, declared once with everything about it: path, parameters, body, answers and the
 * catalogue errors it can answer with, as JSON Schemas (TypeBox builds them and gives their TypeScript
 * types). The same definition registers the route in restify with its parameters checked at the edge
 * (./register-routes.ts) and describes it in the OpenAPI document (../descriptions/openapi.ts), so the
 * description cannot drift from what the server accepts. Modelled on Fastify's route schemas.
 */

export interface HeaderSpec {
  description: string;
  schema: TSchema;
  /** Present on every answer with this status. */
  required: boolean;
}

export interface ResponseSpec {
  description: string;
  /** Media type → body schema. None: the answer has no body (304). */
  content?: Record<string, TSchema>;
  headers?: Record<string, HeaderSpec>;
}

export type Responses = Record<number, ResponseSpec>;

/** A body sent as given (the flow exactly as uploaded, an export in text form). */
export interface RawBody {
  body: string;
  contentType: string;
}

type JsonSchemaOf<S> = S extends { content: { 'application/json': infer J extends TSchema } } ? J : never;

type ContentOf<S> = S extends { content: infer C } ? C : never;

type ReplyFor<K, S> = [ContentOf<S>] extends [never]
  ? { status: K; headers?: Record<string, string> }
  : | { status: K; headers?: Record<string, string>; raw: RawBody }
    | ([JsonSchemaOf<S>] extends [never] ? never : { status: K; headers?: Record<string, string>; json: Static<JsonSchemaOf<S>> });

/** What a handler answers: one of the declared statuses, with a body of that status's schema. */
export type Reply<R extends Responses> = { [K in keyof R & number]: ReplyFor<K, R[K]> }[keyof R & number];

export interface RequestBodySpec {
  description: string;
  schema: TSchema;
  mediaType: string;
}

export interface RouteDefinition<P extends TObject = TObject, Q extends TObject = TObject, R extends Responses = Responses> {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI form: `/api/flows/{version}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Behind API_TOKEN (every /api route but the API descriptions). */
  secured: boolean;
  /** Reads or writes the database, so it can answer 503 `storage_unavailable`. */
  storage: boolean;
  params?: P;
  query?: Q;
  /** Request headers the route reads (documented; the route itself interprets them). */
  headers?: Record<string, { description: string; schema: TSchema }>;
  /**
   * The JSON body, read by the handler (media type, size, UTF-8 and syntax: readJsonBody). A flow is
   * checked by the flow validator, which reports every problem with a pointer (422), rather than here.
   */
  body?: RequestBodySpec;
  responses: R;
  /** Catalogue errors this route answers with, besides those every route can (see ./common-errors.ts). */
  errors: ReadonlyArray<ErrorDefinition<never[]>>;
  // Method syntax on purpose: routes with different parameter types live in one list.
  handle(input: { params: Static<P>; query: Static<Q>; req: Request }): Promise<Reply<R>>;
}

export type RouteSpec<P extends TObject, Q extends TObject, R extends Responses> = Omit<RouteDefinition<P, Q, R>, 'handle'>;

/**
 * `defineRoute({...spec})(async ({ params, query, req }) => reply)`: in two steps so that the types of
 * the parameters and of the replies are fixed by the spec before the handler is checked against them
 * (in one object, TypeScript would widen `status: 201` to `number` while inferring).
 */
export function defineRoute<P extends TObject, Q extends TObject, R extends Responses>(
  spec: RouteSpec<P, Q, R>,
): (handle: RouteDefinition<P, Q, R>['handle']) => RouteDefinition<P, Q, R> {
  return (handle) => ({ ...spec, handle });
}

/** What any handler answers, once the route's own types have been checked. */
export interface AnyReply {
  status: number;
  headers?: Record<string, string>;
  raw?: RawBody;
  json?: unknown;
}

/** Any route, for lists of routes. */
export interface AnyRoute extends Omit<RouteDefinition, 'handle'> {
  handle(input: { params: Record<string, unknown>; query: Record<string, unknown>; req: Request }): Promise<AnyReply>;
}
