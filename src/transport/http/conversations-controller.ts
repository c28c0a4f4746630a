import { pathParam, queryString } from './request-params';
import type { Request, Response, Server } from 'restify';
import type { HistoryService } from '../../services/history-service';

/** Routes under /api/conversations: read-only history. */
export function registerConversationRoutes(server: Server, history: HistoryService): void {
  server.get('/api/conversations', async (req: Request, res: Response) => {
    const limit = queryString(req, 'limit');
    const cursor = queryString(req, 'cursor');
    res.send(200, await history.list({ ...(limit !== undefined ? { limit } : {}), ...(cursor ? { cursor } : {}) }));
  });

  server.get('/api/conversations/:id', async (req: Request, res: Response) => {
    res.send(200, await history.get(pathParam(req, 'id')));
  });
}
