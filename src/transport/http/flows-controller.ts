import { pathParam } from './request-params';
import type { Request, Response, Server } from 'restify';
import { errors } from '../../errors';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, isExportFormat } from '../../flow/export';
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
    const exported = await flows.export(pathParam(req, 'ref'), format);
    res.sendRaw(200, exported.body, { 'Content-Type': EXPORT_CONTENT_TYPES[format], 'X-Flow-Version': String(exported.version) });
  });
}
