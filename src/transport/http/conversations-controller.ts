import type { Request, Response, Server } from 'restify';
import type { HistoryService } from '../../services/history-service';

function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Routes under /api/conversations: read-only history. */
export function registerConversationRoutes(server: Server, history: HistoryService): void {
  server.get('/api/conversations', async (req: Request, res: Response) => {
    const limit = queryString(req, 'limit');
    const cursor = queryString(req, 'cursor');
    res.send(200, await history.list({ ...(limit !== undefined ? { limit } : {}), ...(cursor ? { cursor } : {}) }));
  });

  server.get('/api/conversations/:id', async (req: Request, res: Response) => {
    res.send(200, await history.get(String(req.params.id)));
  });
}
