import { Type } from '@sinclair/typebox';
import type { Request } from 'restify';
import { errors } from '../../errors';
import { DEFAULT_DIAGRAM_DEPTH, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat, MAX_DIAGRAM_DEPTH } from '../../flow/export';
import type { FlowService } from '../../services/flow-service';
import { readJsonBody } from './read-json-body';
import { FLOW_SCHEMA_REF } from './descriptions/flow-schema';
import { JSON_BODY_ERRORS } from './routes/common-errors';
import { pageQuery, versionNumber, versionOrCurrent } from './routes/parameters';
import { type AnyRoute, defineRoute, type RequestBodySpec } from './routes/route';
import { FlowDiagram, FlowVersionPage, FlowVersionSummary, MachineConfig, UploadResult, ValidationResult } from './routes/schemas';

const flowBody = (maxBodyBytes: number): RequestBodySpec => ({
  description: `A flow document (at most ${maxBodyBytes} bytes, MAX_BODY_BYTES), stored exactly as sent. It is checked against the flow schema and every semantic rule; all problems are reported at once (422).`,
  schema: Type.Unsafe({ $ref: FLOW_SCHEMA_REF }),
  mediaType: 'application/json',
});

const location = {
  Location: {
    description: 'the path of the version: `/api/flows/{version}`',
    schema: Type.String({ pattern: '^/api/flows/[1-9][0-9]*$' }),
    required: true,
  },
};
const flowVersionHeader = {
  description: 'the version number of the flow answered',
  schema: Type.String({ pattern: '^[1-9][0-9]*$' }),
  required: true,
};

const version = Type.Object({ version: versionOrCurrent });
const noQuery = Type.Object({});

/** Routes under /api/flows: parse and check the request, call the service, shape the answer. */
export function flowRoutes(flows: FlowService, maxBodyBytes: number): AnyRoute[] {
  const readBody = (req: Request) => readJsonBody(req, maxBodyBytes);
  return [
    defineRoute({
      method: 'POST',
      path: '/api/flows',
      operationId: 'uploadFlow',
      tag: 'flows',
      summary: 'Upload a flow as a new version',
      description:
        'Stores a valid flow as a new version, which becomes the current one: new conversations start on it, running ones keep theirs. An upload byte for byte identical to the current version makes no new version: that version is answered with 200 and `unchanged: true`.',
      secured: true,
      storage: true,
      query: noQuery,
      body: flowBody(maxBodyBytes),
      responses: {
        201: { description: 'stored as a new version', content: { 'application/json': UploadResult }, headers: location },
        200: {
          description: 'identical to the current version, which is answered (`unchanged: true`)',
          content: { 'application/json': UploadResult },
          headers: location,
        },
      },
      errors: [...JSON_BODY_ERRORS, errors.invalidFlow],
    })(async ({ req }) => {
      const body = await readBody(req);
      const result = await flows.upload(body.value, body.text);
      const headers = { Location: `/api/flows/${result.version}` };
      return result.unchanged ? { status: 200, headers, json: result } : { status: 201, headers, json: result };
    }),

    defineRoute({
      method: 'POST',
      path: '/api/flows/validate',
      operationId: 'validateFlow',
      tag: 'flows',
      summary: 'Check a flow without storing it',
      secured: true,
      storage: false,
      query: noQuery,
      body: flowBody(maxBodyBytes),
      responses: { 200: { description: 'the flow is valid; warnings may remain', content: { 'application/json': ValidationResult } } },
      errors: [...JSON_BODY_ERRORS, errors.invalidFlow],
    })(async ({ req }) => ({ status: 200, json: flows.validate((await readBody(req)).value) })),

    defineRoute({
      method: 'GET',
      path: '/api/flows',
      operationId: 'listFlowVersions',
      tag: 'flows',
      summary: 'List flow versions, newest first',
      description: 'Paged like the conversations: pass `nextCursor` back as `cursor` for the next page.',
      secured: true,
      storage: true,
      query: Type.Object(pageQuery),
      responses: { 200: { description: 'one page of versions', content: { 'application/json': FlowVersionPage } } },
      errors: [errors.invalidCursor],
    })(async ({ query }) => ({ status: 200, json: await flows.list(query) })),

    defineRoute({
      method: 'GET',
      path: '/api/flows/{version}',
      operationId: 'getFlow',
      tag: 'flows',
      summary: 'Read a flow version exactly as uploaded',
      description:
        'The body is the uploaded text, byte for byte. `If-None-Match` with the `ETag` answers 304 (versions never change, so the ETag of a version never does either).',
      secured: true,
      storage: true,
      params: version,
      query: noQuery,
      headers: { 'If-None-Match': { description: 'an `ETag` from an earlier answer', schema: Type.String() } },
      responses: {
        200: {
          description: 'the flow as uploaded',
          content: { 'application/json': Type.Unsafe({ $ref: FLOW_SCHEMA_REF }) },
          headers: {
            ETag: {
              description: 'strong ETag of this version',
              schema: Type.String({ pattern: '^"v[1-9][0-9]*-[A-Za-z0-9_-]+"$' }),
              required: true,
            },
            'X-Flow-Version': flowVersionHeader,
            'Last-Modified': { description: 'when the version was uploaded (HTTP date)', schema: Type.String(), required: true },
          },
        },
        304: {
          description: '`If-None-Match` matched: the copy the client has is current',
          headers: { ETag: { description: 'the ETag that matched', schema: Type.String(), required: true } },
        },
      },
      errors: [errors.notFound],
    })(async ({ params, req }) => {
      const flow = await flows.read(String(params.version));
      const headers = {
        ETag: flow.etag,
        'X-Flow-Version': String(flow.version),
        'Last-Modified': new Date(flow.createdAt).toUTCString(),
      };
      if (req.headers['if-none-match'] === flow.etag) return { status: 304, headers };
      return { status: 200, headers, raw: { body: flow.source, contentType: JSON_TYPE } };
    }),

    defineRoute({
      method: 'POST',
      path: '/api/flows/{version}/activate',
      operationId: 'activateFlowVersion',
      tag: 'flows',
      summary: 'Make a stored version current again (rollback)',
      description: 'New conversations use it from the moment this is answered; running ones keep the version they started on.',
      secured: true,
      storage: true,
      params: Type.Object({ version: versionNumber }),
      query: noQuery,
      responses: { 200: { description: 'the version, now current', content: { 'application/json': FlowVersionSummary } } },
      errors: [errors.notFound],
    })(async ({ params }) => ({ status: 200, json: await flows.activate(String(params.version)) })),

    defineRoute({
      method: 'GET',
      path: '/api/flows/{version}/machine',
      operationId: 'exportFlowMachine',
      tag: 'flows',
      summary: 'The compiled XState machine of a flow version',
      description:
        "`json` is the config `createMachine()` accepts as is; `js` is `createMachine({...})` code to paste into the Stately visualizer; `mermaid` is a `stateDiagram-v2`; `diagram` is what the web page draws: the Mermaid text with a map from block id to diagram node, for the whole flow or, with `around`, for one block's neighbourhood.",
      secured: true,
      storage: true,
      params: version,
      query: Type.Object({
        format: Type.Optional(
          Type.Union(
            EXPORT_FORMATS.map((format) => Type.Literal(format)),
            { default: 'json', description: 'the form of the export' },
          ),
        ),
        around: Type.Optional(
          Type.String({ minLength: 1, maxLength: 64, description: "with `format=diagram`: draw only this block's neighbourhood" }),
        ),
        depth: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: MAX_DIAGRAM_DEPTH,
            default: DEFAULT_DIAGRAM_DEPTH,
            description: 'with `around`: how many steps onwards from the block the view reaches',
          }),
        ),
      }),
      responses: {
        200: {
          description: 'the export, in the media type of its format',
          content: {
            [mediaType('json')]: Type.Union([MachineConfig, FlowDiagram], {
              description: 'the machine config (`format=json`) or the diagram (`format=diagram`)',
            }),
            [mediaType('js')]: Type.String({ description: 'JavaScript: `createMachine({...})`' }),
            [mediaType('mermaid')]: Type.String({ description: 'a Mermaid `stateDiagram-v2`' }),
          },
          headers: { 'X-Flow-Version': flowVersionHeader },
        },
      },
      errors: [errors.notFound, errors.invalidParameter],
    })(async ({ params, query }) => {
      const format: ExportFormat = query.format ?? 'json';
      if (query.around === undefined && query.depth !== undefined) throw errors.invalidParameter('depth needs around');
      if (query.around !== undefined && format !== 'diagram') throw errors.invalidParameter('around and depth need format=diagram');
      const ref = String(params.version);
      const exported =
        query.around !== undefined
          ? await flows.exportNeighbourhood(ref, { around: query.around, depth: query.depth ?? DEFAULT_DIAGRAM_DEPTH })
          : await flows.export(ref, format);
      return {
        status: 200,
        headers: { 'X-Flow-Version': String(exported.version) },
        raw: { body: exported.body, contentType: EXPORT_CONTENT_TYPES[format] },
      };
    }),
  ];
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The media type of an export, without parameters (the OpenAPI content key). */
function mediaType(format: ExportFormat): string {
  return EXPORT_CONTENT_TYPES[format].split(';')[0]!.trim();
}
