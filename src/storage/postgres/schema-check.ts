import type { PoolClient } from 'pg';
import { missingFromSchema, SCHEMA_TABLES, SchemaDamagedError, schemaOf } from '../schema';
import { latestPgVersion, PG_REMEDY } from './migrations';

/** PostgreSQL's own additions: the record of migrations, and the counters that number messages and steps. */
export const PG_SCHEMA_TABLES: Readonly<Record<string, readonly string[]>> = {
  ...SCHEMA_TABLES,
  conversations: [...(SCHEMA_TABLES.conversations ?? []), 'message_count', 'step_count'],
  schema_migrations: ['version', 'name', 'applied_at'],
};

/** The tables and columns of the schema that the connection's search path finds first. */
async function presentSchema(client: PoolClient): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
  );
  return schemaOf(rows);
}

/** Throws SchemaDamagedError when a table or column of the current schema is missing (after the migrations). */
export async function checkPgSchema(client: PoolClient): Promise<void> {
  const missing = missingFromSchema(await presentSchema(client), PG_SCHEMA_TABLES);
  if (missing.length > 0) throw new SchemaDamagedError(missing, latestPgVersion(), PG_REMEDY);
}
