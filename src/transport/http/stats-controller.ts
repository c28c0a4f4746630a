import { Type } from '@sinclair/typebox';
import { errors } from '../../errors';
import type { BotService } from '../../services/bot-service';
import type { StatsService } from '../../services/stats-service';
import { flowScopes } from './flows-controller';
import { versionOrCurrent } from './routes/parameters';
import { type AnyRoute, defineRoute } from './routes/route';

const count = (description: string) => Type.Integer({ minimum: 0, description });

export const FlowStatsSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    conversations: Type.Object(
      {
        total: count('all of them'),
        active: count('still running'),
        completed: count('ended at an end block'),
        abandoned: count('left idle'),
      },
      { additionalProperties: false },
    ),
    blocks: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          entered: count('steps into the block'),
          droppedHere: count('abandoned conversations that stopped waiting here'),
        },
        { additionalProperties: false },
      ),
      { description: 'every block of the flow, in flow order' },
    ),
    transitions: Type.Array(
      Type.Object(
        { from: Type.String(), to: Type.String(), event: Type.String(), count: count('times taken') },
        { additionalProperties: false },
      ),
      { description: 'most taken first' },
    ),
    intents: Type.Array(
      Type.Object(
        {
          block: Type.String({ description: 'an intent block' }),
          matched: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'detections by intent id' }),
          noMatch: count('detections no intent fitted (the maxNoMatch-th included)'),
          errors: count('detections that failed outright'),
          fallbacks: count('detections another provider answered (OpenAI down: the local classifier)'),
          latencyMs: Type.Union(
            [
              Type.Object({ p50: Type.Number({ minimum: 0 }), p95: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
              Type.Null(),
            ],
            { description: 'nearest-rank percentiles of detection time; null before any detection' },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    misunderstood: Type.Array(
      Type.Object(
        {
          block: Type.String({ description: 'the intent block' }),
          text: Type.String({ description: 'what the user wrote' }),
          count: Type.Integer({ minimum: 1 }),
          lastAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { description: 'texts no intent fitted, most frequent first (at most 100)' },
    ),
  },
  { title: 'FlowStats', additionalProperties: false },
);

// No minLength: a value too short for a date ("2026") is told what an instant looks like, not how long it must be.
const instant = (description: string) => Type.Optional(Type.String({ maxLength: 40, description }));

/** GET /api/[bots/{bot}/]flows/{version}/stats: traffic, drop-off and detection outcomes, aggregated by the database. */
export function statsRoutes(stats: StatsService, bots: BotService): AnyRoute[] {
  return flowScopes(bots).map((scope) =>
    defineRoute({
      method: 'GET',
      path: `${scope.base}/{version}/stats`,
      operationId: scope.operationId('getFlowStats'),
      tag: scope.tag,
      summary: 'Statistics of a flow version',
      description:
        'Counts over the conversations of that version (of that bot) that started in [`since`, `until`): their status, how often each block was entered and where abandoned ones stopped, each transition, the outcomes and latency of each intent block, and the texts no intent fitted.',
      secured: true,
      storage: true,
      params: Type.Object({ ...scope.params, version: versionOrCurrent }),
      query: Type.Object({
        since: instant('ISO-8601 date or date-time (UTC unless it ends with an offset): conversations started at or after it'),
        until: instant('ISO-8601 date or date-time (UTC unless it ends with an offset): conversations started before it'),
      }),
      responses: { 200: { description: 'the statistics', content: { 'application/json': FlowStatsSchema } } },
      errors: [errors.notFound, errors.invalidParameter, ...(scope.params.bot ? [errors.unknownBot] : [])],
    })(async ({ params, query }) => ({
      status: 200,
      json: await stats.flowStats(await scope.flows(params), String(params.version), query),
    })),
  );
}
