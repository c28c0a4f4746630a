import type { Request, Response, Server } from 'restify';
import type { DetectService } from '../../services/detect-service';
import { readJsonBody } from './read-json-body';
import { pathParam } from './request-params';

/** Trying one utterance: POST /api/flows/{version|current}/blocks/{blockId}/detect with {"text": "..."}. */
export function registerDetectRoute(server: Server, detect: DetectService, maxBodyBytes: number): void {
  server.post('/api/flows/:ref/blocks/:blockId/detect', async (req: Request, res: Response) => {
    const body = await readJsonBody(req, maxBodyBytes);
    res.send(200, await detect.detect(pathParam(req, 'ref'), pathParam(req, 'blockId'), body.value));
  });
}
