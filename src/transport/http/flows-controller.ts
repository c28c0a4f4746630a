import { Type } from '@sinclair/typebox';
import type { Request } from 'restify';
import { errors } from '../../errors';
import { DEFAULT_DIAGRAM_DEPTH, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat, MAX_DIAGRAM_DEPTH } from '../../flow/export';
import type { BotService } from '../../services/bot-service';
import type { FlowService } from '../../services/flow-service';
import { DEFAULT_BOT } from '../../storage/records';
import { readJsonBody } from './read-json-body';
import { FLOW_SCHEMA_REF } from './descriptions/flow-schema';
import { JSON_BODY_ERRORS } from './routes/common-errors';
import { botId, pageQuery, versionNumber, versionOrCurrent } from './routes/parameters';
import { type AnyRoute, defineRoute, type RequestBodySpec } from './routes/route';
import {
  FlowDiagram,
  FlowVersionDiff,
  FlowVersionPage,
  FlowVersionSummary,
  MachineConfig,
  UploadResult,
  ValidationResult,
} from './routes/schemas';

const flowBody = (maxBodyBytes: number): RequestBodySpec => ({
  description: `A flow document (at most ${maxBodyBytes} bytes, MAX_BODY_BYTES), stored exactly as sent. It is checked against the flow schema and every semantic rule; all problems are reported at once (422).`,
  schema: Type.Unsafe({ $ref: FLOW_SCHEMA_REF }),
  mediaType: 'application/json',
});

/**
 * Where the flow routes live: `/api/flows` for the `default` bot (as before there were bots) and
 * `/api/bots/{bot}/flows` for any bot. Each route is defined once and registered in both places.
 */
export interface FlowScope {
  /** `/api/flows` or `/api/bots/{bot}/flows`. */
  base: string;
  /** The `bot` path parameter, for the bot-scoped paths. */
  params: { bot?: typeof botId };
  /** The operationId of a route in this scope, from its name in the default one. */
  operationId(name: string): string;
  tag: string;
  /** The FlowService of the bot the parameters name (404 `unknown_bot`). */
  flows(params: object): Promise<FlowService>;
  /** The path of a version of that bot, as `Location`. */
  versionPath(params: object, version: number): string;
}

const botOf = (params: object): string => (params as { bot?: string }).bot ?? DEFAULT_BOT;

export function flowScopes(bots: BotService): FlowScope[] {
  return [
    {
      base: '/api/flows',
      params: {},
      operationId: (name) => name,
      tag: 'flows',
      flows: () => Promise.resolve(bots.defaultFlows),
      versionPath: (_params, version) => `/api/flows/${version}`,
    },
    {
      base: '/api/bots/{bot}/flows',
      params: { bot: botId },
      // uploadFlow → uploadBotFlow, listFlowVersions → listBotFlowVersions
      operationId: (name) => name.replace(/Flow|Intent/, (word) => `Bot${word}`),
      tag: 'bots',
      flows: (params) => bots.flows(botOf(params)),
      versionPath: (params, version) => `/api/bots/${botOf(params)}/flows/${version}`,
    },
  ];
}

const locationOf = (scope: FlowScope) => ({
  Location: {
    description: `the path of the version: \`${scope.base}/{version}\``,
    schema: Type.String({
      pattern: scope.params.bot ? `^/api/bots/[A-Za-z][A-Za-z0-9_-]*/flows/[1-9][0-9]*$` : '^/api/flows/[1-9][0-9]*$',
    }),
    required: true,
  },
});
const flowVersionHeader = {
  description: 'the version number of the flow answered',
  schema: Type.String({ pattern: '^[1-9][0-9]*$' }),
  required: true,
};

const noQuery = Type.Object({});

/** Routes under /api/flows and /api/bots/{bot}/flows: parse and check the request, call the service, shape the answer. */
export function flowRoutes(bots: BotService, maxBodyBytes: number): AnyRoute[] {
  return flowScopes(bots).flatMap((scope) => scopedFlowRoutes(scope, maxBodyBytes));
}

function scopedFlowRoutes(scope: FlowScope, maxBodyBytes: number): AnyRoute[] {
  const readBody = (req: Request) => readJsonBody(req, maxBodyBytes);
  const location = locationOf(scope);
  const bot = scope.params;
  const version = Type.Object({ ...bot, version: versionOrCurrent });
  const botOnly = Type.Object({ ...bot });
  const botErrors = scope.params.bot ? [errors.unknownBot] : [];
  return [
    defineRoute({
      method: 'POST',
      path: scope.base,
      operationId: scope.operationId('uploadFlow'),
      tag: scope.tag,
      summary: 'Upload a flow as a new version',
      description:
        'Stores a valid flow as a new version, which becomes the current one: new conversations start on it, running ones keep theirs. With `activate=false` it is stored as a draft instead: not current, so new conversations do not get it, but a preview (`/ws?version=`) does, and `POST .../{version}/activate` publishes it. An upload byte for byte identical to the current version makes no new version: that version is answered with 200 and `unchanged: true`.',
      secured: true,
      storage: true,
      params: botOnly,
      query: Type.Object({
        activate: Type.Optional(
          Type.Union([Type.Literal('true'), Type.Literal('false')], {
            default: 'true',
            description: '`false`: store a draft that does not become current',
          }),
        ),
      }),
      body: flowBody(maxBodyBytes),
      responses: {
        201: { description: 'stored as a new version', content: { 'application/json': UploadResult }, headers: location },
        200: {
          description: 'identical to the current version, which is answered (`unchanged: true`)',
          content: { 'application/json': UploadResult },
          headers: location,
        },
      },
      errors: [...JSON_BODY_ERRORS, errors.invalidFlow, ...botErrors],
    })(async ({ params, query, req }) => {
      const flows = await scope.flows(params);
      const body = await readBody(req);
      const result = await flows.upload(body.value, body.text, { activate: query.activate !== 'false' });
      const headers = { Location: scope.versionPath(params, result.version) };
      return result.unchanged ? { status: 200, headers, json: result } : { status: 201, headers, json: result };
    }),

    defineRoute({
      method: 'POST',
      path: `${scope.base}/validate`,
      operationId: scope.operationId('validateFlow'),
      tag: scope.tag,
      summary: 'Check a flow without storing it',
      secured: true,
      storage: scope.params.bot !== undefined,
      params: botOnly,
      query: noQuery,
      body: flowBody(maxBodyBytes),
      responses: { 200: { description: 'the flow is valid; warnings may remain', content: { 'application/json': ValidationResult } } },
      errors: [...JSON_BODY_ERRORS, errors.invalidFlow, ...botErrors],
    })(async ({ params, req }) => {
      const flows = await scope.flows(params);
      return { status: 200, json: flows.validate((await readBody(req)).value) };
    }),

    defineRoute({
      method: 'GET',
      path: scope.base,
      operationId: scope.operationId('listFlowVersions'),
      tag: scope.tag,
      summary: 'List flow versions, newest first',
      description:
        'Paged like the conversations: pass `nextCursor` back as `cursor` for the next page. Drafts are listed too, with `current: false`.',
      secured: true,
      storage: true,
      params: botOnly,
      query: Type.Object(pageQuery),
      responses: { 200: { description: 'one page of versions', content: { 'application/json': FlowVersionPage } } },
      errors: [errors.invalidCursor, ...botErrors],
    })(async ({ params, query }) => ({ status: 200, json: await (await scope.flows(params)).list(query) })),

    defineRoute({
      method: 'GET',
      path: `${scope.base}/{version}`,
      operationId: scope.operationId('getFlow'),
      tag: scope.tag,
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
      errors: [errors.notFound, ...botErrors],
    })(async ({ params, req }) => {
      const flow = await (await scope.flows(params)).read(String(params.version));
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
      path: `${scope.base}/{version}/activate`,
      operationId: scope.operationId('activateFlowVersion'),
      tag: scope.tag,
      summary: 'Make a stored version current (publish a draft, or roll back)',
      description: 'New conversations use it from the moment this is answered; running ones keep the version they started on.',
      secured: true,
      storage: true,
      params: Type.Object({ ...bot, version: versionNumber }),
      query: noQuery,
      responses: { 200: { description: 'the version, now current', content: { 'application/json': FlowVersionSummary } } },
      errors: [errors.notFound, ...botErrors],
    })(async ({ params }) => ({ status: 200, json: await (await scope.flows(params)).activate(String(params.version)) })),

    defineRoute({
      method: 'GET',
      path: `${scope.base}/{version}/diff`,
      operationId: scope.operationId('diffFlowVersions'),
      tag: scope.tag,
      summary: 'What changed between two versions',
      description:
        'The blocks added, removed and changed (with the fields that differ), and the transitions added, removed and changed (the same way out of a block now leading elsewhere), from version `from` to this one.',
      secured: true,
      storage: true,
      params: version,
      query: Type.Object({ from: versionOrCurrent }),
      responses: { 200: { description: 'the differences', content: { 'application/json': FlowVersionDiff } } },
      errors: [errors.notFound, ...botErrors],
    })(async ({ params, query }) => ({
      status: 200,
      json: await (await scope.flows(params)).diff(String(params.version), String(query.from)),
    })),

    defineRoute({
      method: 'GET',
      path: `${scope.base}/{version}/machine`,
      operationId: scope.operationId('exportFlowMachine'),
      tag: scope.tag,
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
      errors: [errors.notFound, errors.invalidParameter, ...botErrors],
    })(async ({ params, query }) => {
      const flows = await scope.flows(params);
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
