import type { PoolClient } from 'pg';
import { missingFromSchema, missingObjects, SCHEMA_TABLES, SchemaDamagedError, schemaOf } from '../schema';
import { latestPgVersion, PG_REMEDY } from './migrations';

/** PostgreSQL's own additions: the record of migrations, and the counters that number messages and steps. */
export const PG_SCHEMA_TABLES: Readonly<Record<string, readonly string[]>> = {
  ...SCHEMA_TABLES,
  conversations: [...(SCHEMA_TABLES.conversations ?? []), 'message_count', 'step_count'],
  schema_migrations: ['version', 'name', 'applied_at'],
};

/**
 * The indexes (primary keys included: a dropped one lets duplicate rows in) and triggers the
 * PostgreSQL migrations create, each with its table; test/storage/postgres-schema-check.pg.test.ts keeps this equal to
 * what they create.
 */
export const PG_SCHEMA_OBJECTS: Readonly<Record<string, string>> = {
  'index bots_pkey': 'bots',
  'index conversations_bot_newest': 'conversations',
  'index conversations_bot_status_newest': 'conversations',
  'index conversations_newest': 'conversations',
  'index conversations_pkey': 'conversations',
  'index conversations_status_newest': 'conversations',
  'index conversations_status_updated': 'conversations',
  'index conversations_version_stats': 'conversations',
  'index flow_versions_pkey': 'flow_versions',
  'index health_probe_pkey': 'health_probe',
  'index messages_pkey': 'messages',
  'index schema_migrations_pkey': 'schema_migrations',
  'index stats_latency_pkey': 'stats_latency',
  'index stats_misunderstood_conversation': 'stats_misunderstood',
  'index stats_misunderstood_pkey': 'stats_misunderstood',
  'index stats_misunderstood_totals_pkey': 'stats_misunderstood_totals',
  'index stats_moves_pkey': 'stats_moves',
  'index steps_pkey': 'steps',
  'trigger conversations_uncount_stats': 'conversations',
  'trigger steps_count_stats': 'steps',
};

/** The tables and columns of the schema that the connection's search path finds first. */
async function presentSchema(client: PoolClient): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
  );
  return schemaOf(rows);
}

/** The indexes and triggers of that schema, as `index name` / `trigger name` (constraint triggers PostgreSQL makes itself left out). */
export async function pgSchemaObjects(client: Pick<PoolClient, 'query'>): Promise<Set<string>> {
  const { rows } = await client.query<{ object: string }>(
    `SELECT 'index ' || indexname AS object FROM pg_indexes WHERE schemaname = current_schema()
     UNION ALL
     SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
  );
  return new Set(rows.map((row) => row.object));
}

/** Throws SchemaDamagedError when a table, column, index or trigger of the current schema is missing (after the migrations). */
export async function checkPgSchema(client: PoolClient): Promise<void> {
  const tables = await presentSchema(client);
  const missing = [
    ...missingFromSchema(tables, PG_SCHEMA_TABLES),
    ...missingObjects(await pgSchemaObjects(client), PG_SCHEMA_OBJECTS, tables),
  ];
  if (missing.length > 0) throw new SchemaDamagedError(missing, latestPgVersion(), PG_REMEDY);
}
