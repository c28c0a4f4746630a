import { pathParam, queryString } from './request-params';
import type { Request, Response, Server } from 'restify';
import { errors } from '../../errors';
import {
  DEFAULT_DIAGRAM_DEPTH,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  isExportFormat,
  MAX_DIAGRAM_DEPTH,
  type Neighbourhood,
} from '../../flow/export';
import type { FlowService } from '../../services/flow-service';
import { readJsonBody } from './read-json-body';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Routes under /api/flows: parse and check the request, call the service, shape the answer. */
export function registerFlowRoutes(server: Server, flows: FlowService, maxBodyBytes: number): void {
  server.post('/api/flows', async (req: Request, res: Response) => {
    const body = await readJsonBody(req, maxBodyBytes);
    const result = await flows.upload(body.value, body.text);
    res.header('Location', `/api/flows/${result.version}`);
    res.send(201, result);
  });

  server.post('/api/flows/validate', async (req: Request, res: Response) => {
    const body = await readJsonBody(req, maxBodyBytes);
    res.send(200, flows.validate(body.value));
  });

  server.get('/api/flows', async (_req: Request, res: Response) => {
    res.send(200, { items: await flows.list() });
  });

  // "current" or a version number: the flow exactly as uploaded.
  server.get('/api/flows/:ref', async (req: Request, res: Response) => {
    const flow = await flows.read(pathParam(req, 'ref'));
    const headers = {
      'Content-Type': JSON_TYPE,
      ETag: flow.etag,
      'X-Flow-Version': String(flow.version),
      'Last-Modified': new Date(flow.createdAt).toUTCString(),
    };
    if (req.headers['if-none-match'] === flow.etag) {
      res.sendRaw(304, '', headers);
      return;
    }
    res.sendRaw(200, flow.source, headers);
  });

  server.post('/api/flows/:ref/activate', async (req: Request, res: Response) => {
    res.send(200, await flows.activate(pathParam(req, 'ref')));
  });

  server.get('/api/flows/:ref/machine', async (req: Request, res: Response) => {
    const format = (req.query as Record<string, unknown> | undefined)?.format ?? 'json';
    if (!isExportFormat(format)) {
      throw errors.invalidParameter(`format must be one of ${EXPORT_FORMATS.join(', ')}`);
    }
    const around = neighbourhoodParams(req, format);
    const ref = pathParam(req, 'ref');
    const exported = around ? await flows.exportNeighbourhood(ref, around) : await flows.export(ref, format);
    res.sendRaw(200, exported.body, { 'Content-Type': EXPORT_CONTENT_TYPES[format], 'X-Flow-Version': String(exported.version) });
  });
}

/** `around=BLOCK[&depth=N]`: the diagram of a block's neighbourhood; undefined for the whole flow. */
function neighbourhoodParams(req: Request, format: ExportFormat): Neighbourhood | undefined {
  const query = (req.query as Record<string, unknown> | undefined) ?? {};
  if (query.around === undefined) {
    if (query.depth !== undefined) throw errors.invalidParameter('depth needs around');
    return undefined;
  }
  if (format !== 'diagram') throw errors.invalidParameter('around and depth need format=diagram');
  const around = queryString(req, 'around');
  if (!around) throw errors.invalidParameter('around must be one block id');
  const depthText = query.depth === undefined ? String(DEFAULT_DIAGRAM_DEPTH) : queryString(req, 'depth');
  const depth = depthText !== undefined && /^\d{1,2}$/.test(depthText) ? Number(depthText) : NaN;
  if (!(depth >= 1 && depth <= MAX_DIAGRAM_DEPTH))
    throw errors.invalidParameter(`depth must be a whole number from 1 to ${MAX_DIAGRAM_DEPTH}`);
  return { around, depth };
}
