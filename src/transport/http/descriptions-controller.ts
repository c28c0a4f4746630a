import { Type } from '@sinclair/typebox';
import { FLOW_SCHEMA_URL_PATH, flowSchemaText } from './descriptions/flow-schema';
import type { JsonObject } from './descriptions/json-schema';
import { type AnyRoute, defineRoute } from './routes/route';
import { jsonDocument } from './routes/schemas';

export interface Descriptions {
  openapi(): JsonObject;
  asyncapi(): JsonObject;
}

const none = Type.Object({});

/**
 * The API descriptions and the flow schema, for tools: client generators, API browsers, editors.
 * Public even when API_TOKEN is set: they describe the API and hold no data, and /docs and editors
 * read them without a secret.
 */
export function descriptionRoutes(descriptions: Descriptions): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/openapi.json',
      operationId: 'getOpenApiDocument',
      tag: 'descriptions',
      summary: 'This OpenAPI 3.1 document',
      description: 'Generated at start from the route definitions, the error catalogue and the flow schema.',
      secured: false,
      storage: false,
      query: none,
      responses: {
        200: {
          description: 'the document',
          content: { 'application/json': jsonDocument('an OpenAPI 3.1 document', { openapi: 'the OpenAPI version, `3.1.0`' }) },
        },
      },
      errors: [],
    })(async () => ({ status: 200, json: descriptions.openapi() })),
    defineRoute({
      method: 'GET',
      path: '/api/asyncapi.json',
      operationId: 'getAsyncApiDocument',
      tag: 'descriptions',
      summary: 'The AsyncAPI 3.0 document of the chat WebSocket (/ws)',
      description: 'Every frame in both directions, the query parameters and the close codes.',
      secured: false,
      storage: false,
      query: none,
      responses: {
        200: {
          description: 'the document',
          content: { 'application/json': jsonDocument('an AsyncAPI 3.0 document', { asyncapi: 'the AsyncAPI version, `3.0.0`' }) },
        },
      },
      errors: [],
    })(async () => ({ status: 200, json: descriptions.asyncapi() })),
    defineRoute({
      method: 'GET',
      path: FLOW_SCHEMA_URL_PATH,
      operationId: 'getFlowSchema',
      tag: 'descriptions',
      summary: 'The JSON Schema of a flow document, for editors',
      description:
        'schemas/flow.schema.json as it is in the repository (JSON Schema draft-07); its `$id` is this path. A flow may name it in `"$schema"` so that editors validate and complete it.',
      secured: false,
      storage: false,
      query: none,
      responses: {
        200: {
          description: 'the schema',
          content: {
            'application/schema+json': jsonDocument('a JSON Schema (draft-07)', {
              $schema: 'the JSON Schema dialect (draft-07)',
              $id: 'this path',
            }),
          },
        },
      },
      errors: [],
    })(async () => ({ status: 200, raw: { body: flowSchemaText(), contentType: 'application/schema+json; charset=utf-8' } })),
  ];
}
