import { type Static, Type } from '@sinclair/typebox';
import { type AnyRoute, defineRoute } from './routes/route';
import { HealthReport } from './routes/schemas';

export type HealthReport = Static<typeof HealthReport>;

/** GET /health: liveness and readiness; 503 when the database cannot be written. */
export function healthRoute(report: () => Promise<HealthReport>): AnyRoute {
  return defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Liveness and readiness',
    description:
      'Answers 200 when the database takes writes (a probe row is rewritten on each call, and recent write faults count), 503 otherwise. Never behind API_TOKEN.',
    secured: false,
    storage: false,
    query: Type.Object({}),
    responses: {
      200: { description: 'ready', content: { 'application/json': HealthReport } },
      503: { description: 'the database cannot be written right now', content: { 'application/json': HealthReport } },
    },
    errors: [],
  })(async () => {
    const body = await report();
    return body.status === 'ok' ? { status: 200, json: body } : { status: 503, json: body };
  });
}
