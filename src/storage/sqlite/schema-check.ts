import type Database from 'better-sqlite3';
import { missingFromSchema, SchemaDamagedError, schemaOf } from '../schema';
import { schemaVersion, SQLITE_REMEDY } from './migrations';

/** Throws SchemaDamagedError when a table or column of the current schema is missing (after the migrations). */
export function checkSqliteSchema(db: Database.Database): void {
  const rows = db
    .prepare<[], { table_name: string; column_name: string }>(
      "SELECT m.name AS table_name, c.name AS column_name FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table'",
    )
    .all();
  const missing = missingFromSchema(schemaOf(rows));
  if (missing.length > 0) throw new SchemaDamagedError(missing, schemaVersion(db), SQLITE_REMEDY);
}
