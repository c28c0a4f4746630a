import { errors } from '../errors';
import type { FlowStatsRecord } from '../storage/records';
import type { StatsRepository } from '../storage/repositories';
import type { FlowService } from './flow-service';
import { instantParameter } from './instant-parameter';

/** `GET /api/[bots/{bot}/]flows/{version}/stats`: traffic, drop-off and detection outcomes of one flow version. */
export interface FlowStats {
  version: number;
  conversations: { total: number; active: number; completed: number; abandoned: number };
  /** Every block of the flow, in flow order: how often entered, how many abandoned conversations stopped waiting there. */
  blocks: Array<{ id: string; entered: number; droppedHere: number }>;
  transitions: Array<{ from: string; to: string; event: string; count: number }>;
  intents: Array<{
    block: string;
    matched: Record<string, number>;
    noMatch: number;
    errors: number;
    fallbacks: number;
    latencyMs: { p50: number; p95: number } | null;
  }>;
  misunderstood: FlowStatsRecord['misunderstood'];
}

/** Statistics of a flow version: the database aggregates, this shapes the answer by the flow's blocks. */
export class StatsService {
  constructor(private readonly stats: StatsRepository) {}

  /** Of version `ref` of the bot `flows` holds the versions of (404 `not_found`). */
  async flowStats(flows: FlowService, ref: string, query: { since?: string; until?: string }): Promise<FlowStats> {
    const since = instantParameter('since', query.since);
    const until = instantParameter('until', query.until);
    if (since !== undefined && until !== undefined && since > until)
      throw errors.invalidParameter(`since (${since}) must not be after until (${until})`);
    const machine = await flows.machine(ref);
    const raw = await this.stats.flowStats({
      botId: flows.bot,
      flowVersion: machine.version,
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
    });
    const entered = new Map<string, number>();
    const dropped = new Map(raw.droppedAt.map((d) => [d.block, d.count]));
    const transitions = new Map<string, FlowStats['transitions'][number]>();
    const intents = new Map<string, FlowStats['intents'][number]>();
    const latency = new Map(raw.latency.map((l) => [l.block, { p50: l.p50, p95: l.p95 }]));
    for (const block of machine.compiled.intentBlocks.keys()) {
      intents.set(block, { block, matched: {}, noMatch: 0, errors: 0, fallbacks: 0, latencyMs: latency.get(block) ?? null });
    }
    for (const move of raw.moves) {
      entered.set(move.to, (entered.get(move.to) ?? 0) + move.count);
      if (move.from === null) continue;
      const key = `${move.from}\u0000${move.to}\u0000${move.event}`;
      const transition = transitions.get(key) ?? { from: move.from, to: move.to, event: move.event, count: 0 };
      transition.count += move.count;
      transitions.set(key, transition);
      const outcome = move.event.startsWith('intent.') ? intents.get(move.from) : undefined;
      if (!outcome) continue;
      outcome.fallbacks += move.fallbacks;
      if (move.event === 'intent.matched' && move.intent !== null)
        outcome.matched[move.intent] = (outcome.matched[move.intent] ?? 0) + move.count;
      else if (move.event === 'intent.error') outcome.errors += move.count;
      else outcome.noMatch += move.count;
    }
    const { active, completed, abandoned } = raw.conversations;
    return {
      version: machine.version,
      conversations: { total: active + completed + abandoned, active, completed, abandoned },
      blocks: machine.compiled.flow.blocks.map((b) => ({ id: b.id, entered: entered.get(b.id) ?? 0, droppedHere: dropped.get(b.id) ?? 0 })),
      transitions: [...transitions.values()].sort((a, b) => b.count - a.count || order(a, b)),
      intents: [...intents.values()],
      misunderstood: raw.misunderstood,
    };
  }
}

function order(a: { from: string; to: string; event: string }, b: { from: string; to: string; event: string }): number {
  const x = `${a.from}\u0000${a.to}\u0000${a.event}`;
  const y = `${b.from}\u0000${b.to}\u0000${b.event}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
