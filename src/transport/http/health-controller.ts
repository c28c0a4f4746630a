import { type Static, Type } from '@sinclair/typebox';
import { type AnyRoute, defineRoute } from './routes/route';
import { HealthReport } from './routes/schemas';

export type HealthReport = Static<typeof HealthReport>;

/** GET /health: liveness and readiness; 503 when the database cannot be written or no flow is stored. */
export function healthRoute(report: () => Promise<HealthReport>): AnyRoute {
  return defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Liveness and readiness',
    description:
      'Answers 200 when the server can serve conversations: the database takes writes (a probe row is rewritten on each call, and recent write faults count) and a flow is stored. Otherwise 503 with `status` `unavailable` (database) or `not_ready` (no flow yet, `reason: "no_flow"`). Never behind API_TOKEN.',
    secured: false,
    storage: false,
    query: Type.Object({}),
    responses: {
      200: { description: 'ready', content: { 'application/json': HealthReport } },
      503: {
        description: 'the database cannot be written right now, or no flow is stored yet',
        content: { 'application/json': HealthReport },
      },
    },
    errors: [],
  })(async () => {
    const body = await report();
    return body.status === 'ok' ? { status: 200, json: body } : { status: 503, json: body };
  });
}
