import { ERROR_CATALOGUE, type ErrorDefinition } from '../../../errors';
import { routeErrors } from '../routes/common-errors';
import type { AnyRoute, ResponseSpec } from '../routes/route';
import { FlowProblem } from '../routes/schemas';
import type { RecordedExamples } from './examples';
import { flowSchemaComponents } from './flow-schema';
import { hoistTitled, isJsonObject, type Json, type JsonObject, plain } from './json-schema';

export interface OpenApiOptions {
  /** flowbot's version (package.json). */
  version: string;
  maxBodyBytes: number;
  /** Answers recorded from a real server, by operation, status and media type. */
  examples: RecordedExamples['openapi'];
}

const SCHEMAS = '#/components/schemas/';

const TAGS = [
  { name: 'health', description: 'Liveness and readiness, never behind the token.' },
  { name: 'bots', description: 'Bots: each a named series of flow versions with its own current version, drafts and previews.' },
  {
    name: 'flows',
    description:
      'Flow versions of the `default` bot: upload, validate, read, roll back, compare, export the compiled machine. The same paths exist for every bot under `/api/bots/{bot}/`.',
  },
  { name: 'conversations', description: 'The stored history of every conversation.' },
  { name: 'descriptions', description: 'This document, the WebSocket description and the flow schema, for tools.' },
];

const INTRO = `flowbot runs chatbot conversations defined as JSON flows. This REST API manages flow versions and
reads the conversation history; conversations themselves run over the WebSocket at \`/ws\`, described
by the AsyncAPI document at [\`/api/asyncapi.json\`](/api/asyncapi.json).

Every error has one shape, \`{"code", "message", "errors"?}\`: \`code\` is stable and machine-readable
(the \`ErrorCode\` schema lists every one), \`errors\` comes with \`invalid_flow\` and lists every
problem found, each with a JSON pointer. No answer carries a stack trace. Any path that is not listed
here answers 404 \`not_found\`, a listed path with another method 405 \`method_not_allowed\`, both in
that shape. Unknown query parameters are refused with 400 \`invalid_parameter\`, naming the parameter.

When the server sets \`API_TOKEN\`, every \`/api/*\` route except the two API descriptions needs
\`Authorization: Bearer <token>\` (401 \`unauthorized\` otherwise, with \`WWW-Authenticate\`).
Every answer carries \`X-Content-Type-Options: nosniff\`, \`X-Frame-Options: DENY\`,
\`Referrer-Policy: no-referrer\`, \`Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\`
and \`Cache-Control: no-store\`.`;

/** The error shape, and the list of every code with what it means, from the error catalogue. */
function errorComponents(): Record<string, JsonObject> {
  const codes = ERROR_CATALOGUE.map((definition) => definition.code);
  return {
    ErrorCode: {
      type: 'string',
      enum: codes,
      description: 'Every error code flowbot answers with, over HTTP or in a WebSocket `error` frame.',
      'x-enumDescriptions': Object.fromEntries(ERROR_CATALOGUE.map((d) => [d.code, d.description])),
    },
    Error: {
      title: 'Error',
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: {
        code: { $ref: `${SCHEMAS}ErrorCode` },
        message: { type: 'string', description: 'what went wrong, for people' },
        errors: {
          type: 'array',
          items: { $ref: `${SCHEMAS}FlowProblem` },
          description: 'with `invalid_flow`: every problem found, even when there is one',
        },
      },
    },
  };
}

/** One response per error status, its codes narrowed to those this route can answer with. */
function errorResponse(definitions: ErrorDefinition<never[]>[]): JsonObject {
  const codes = definitions.map((d) => d.code);
  return {
    description: definitions.map((d) => `\`${d.code}\`: ${d.description}`).join('; '),
    ...(definitions.some((d) => d.status === 401)
      ? {
          headers: {
            'WWW-Authenticate': { description: 'the scheme: `Bearer realm="flowbot"`', required: true, schema: { type: 'string' } },
          },
        }
      : {}),
    content: {
      'application/json': {
        schema: { allOf: [{ $ref: `${SCHEMAS}Error` }, { type: 'object', properties: { code: { enum: codes } } }] },
      },
    },
  };
}

function parameters(route: AnyRoute): JsonObject[] {
  const list: JsonObject[] = [];
  const add = (where: 'path' | 'query', schema: unknown): void => {
    if (!isJsonObject(schema)) return;
    const object = plain(schema);
    const required = Array.isArray(object.required) ? object.required : [];
    for (const [name, sub] of Object.entries(isJsonObject(object.properties) ? object.properties : {})) {
      const { description, ...rest } = isJsonObject(sub) ? sub : {};
      list.push({
        name,
        in: where,
        required: where === 'path' || required.includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  for (const [name, header] of Object.entries(route.headers ?? {})) {
    list.push({ name, in: 'header', required: false, description: header.description, schema: plain(header.schema) });
  }
  return list;
}

function successResponse(spec: ResponseSpec, recorded: Record<string, Json> | undefined): JsonObject {
  const response: JsonObject = { description: spec.description };
  if (spec.headers) {
    response.headers = Object.fromEntries(
      Object.entries(spec.headers).map(([name, header]) => [
        name,
        { description: header.description, required: header.required, schema: plain(header.schema) },
      ]),
    );
  }
  if (spec.content) response.content = media(spec.content, recorded);
  return response;
}

function media(content: Record<string, unknown>, recorded: Record<string, Json> | undefined): JsonObject {
  return Object.fromEntries(
    Object.entries(content).map(([type, schema]) => {
      const example = recorded?.[type];
      return [
        type,
        {
          schema: plain(schema),
          ...(example === undefined ? {} : { examples: { recorded: { summary: 'a real answer', value: example } } }),
        },
      ];
    }),
  );
}

function operation(route: AnyRoute, options: OpenApiOptions): JsonObject {
  const recorded = options.examples[route.operationId] ?? {};
  const responses: JsonObject = {};
  for (const [status, spec] of Object.entries(route.responses)) responses[status] = successResponse(spec, recorded[status]);
  const byStatus = new Map<number, ErrorDefinition<never[]>[]>();
  for (const definition of routeErrors(route)) byStatus.set(definition.status, [...(byStatus.get(definition.status) ?? []), definition]);
  for (const [status, definitions] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (responses[status]) throw new Error(`${route.operationId}: status ${status} is both an answer and an error`);
    const response = errorResponse(definitions);
    const example = recorded[status]?.['application/json'];
    if (example !== undefined && isJsonObject(response.content)) {
      response.content = media(
        { 'application/json': (response.content['application/json'] as JsonObject).schema },
        { 'application/json': example },
      );
    }
    responses[status] = response;
  }
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.secured ? [{ bearerAuth: [] }] : [],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            description: route.body.description,
            content: media({ [route.body.mediaType]: route.body.schema }, recorded.request),
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the REST API, generated from the route definitions (paths, parameters,
 * bodies, answers), the error catalogue (every error status, code and meaning) and the flow schema.
 */
export function buildOpenApiDocument(routes: AnyRoute[], options: OpenApiOptions): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route, options);
  }
  const components: Record<string, JsonObject> = {};
  const hoisted = hoistTitled(paths, components, SCHEMAS);
  hoistTitled(plain(FlowProblem), components, SCHEMAS);
  return {
    openapi: '3.1.0',
    info: {
      title: 'flowbot REST API',
      version: options.version,
      description: `${INTRO}\n\nRequest bodies are at most ${options.maxBodyBytes} bytes (\`MAX_BODY_BYTES\`).`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'the server that serves this document' }],
    tags: TAGS,
    paths: hoisted,
    components: {
      schemas: { ...components, ...errorComponents(), ...flowSchemaComponents() },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The value of `API_TOKEN`. Needed only when the server sets it; without it the API is open.',
        },
      },
    },
  };
}
