import type { Request, Response, Server } from 'restify';

export interface HealthReport {
  /** `not_ready`: the process runs, but cannot serve a conversation yet (no flow is stored). */
  status: 'ok' | 'not_ready' | 'unavailable';
  [key: string]: unknown;
}

/** GET /health: liveness and readiness; 503 when the database cannot be reached or no flow is stored. */
export function registerHealthRoute(server: Server, report: () => Promise<HealthReport>): void {
  server.get('/health', async (_req: Request, res: Response) => {
    const body = await report();
    res.send(body.status === 'ok' ? 200 : 503, body);
  });
}
