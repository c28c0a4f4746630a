import type Database from 'better-sqlite3';
import { missingFromSchema, missingObjects, SchemaDamagedError, schemaOf } from '../schema';
import { schemaVersion, SQLITE_REMEDY } from './migrations';

/**
 * The indexes and triggers the SQLite migrations create, each with its table (test/storage/sqlite/schema-check.test.ts keeps
 * this equal to what they create). Primary keys are part of their tables and cannot be dropped alone.
 */
export const SQLITE_SCHEMA_OBJECTS: Readonly<Record<string, string>> = {
  'index conversations_bot_newest': 'conversations',
  'index conversations_bot_status_newest': 'conversations',
  'index conversations_newest': 'conversations',
  'index conversations_status_newest': 'conversations',
  'index conversations_status_updated': 'conversations',
  'index conversations_version_stats': 'conversations',
  'index stats_misunderstood_conversation': 'stats_misunderstood',
  'trigger conversations_uncount_stats': 'conversations',
  'trigger stats_misunderstood_added': 'stats_misunderstood',
  'trigger stats_misunderstood_counted': 'stats_misunderstood',
  'trigger stats_misunderstood_erased': 'stats_misunderstood',
  'trigger steps_count_stats': 'steps',
};

/** The indexes and triggers of the database, as `index name` / `trigger name` (SQLite's own automatic indexes left out). */
export function sqliteSchemaObjects(db: Database.Database): Set<string> {
  const rows = db
    .prepare<[], { object: string }>(
      "SELECT type || ' ' || name AS object FROM sqlite_schema WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .all();
  return new Set(rows.map((row) => row.object));
}

/** Throws SchemaDamagedError when a table, column, index or trigger of the current schema is missing (after the migrations). */
export function checkSqliteSchema(db: Database.Database): void {
  const rows = db
    .prepare<[], { table_name: string; column_name: string }>(
      "SELECT m.name AS table_name, c.name AS column_name FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table'",
    )
    .all();
  const tables = schemaOf(rows);
  const missing = [...missingFromSchema(tables), ...missingObjects(sqliteSchemaObjects(db), SQLITE_SCHEMA_OBJECTS, tables)];
  if (missing.length > 0) throw new SchemaDamagedError(missing, schemaVersion(db), SQLITE_REMEDY);
}
