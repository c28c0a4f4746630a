/**
 * The tables and columns flowbot reads and writes, on both backends (the same schema, see
 * sqlite/migrations.ts and postgres/migrations.ts). Checked at start, after the migrations: a table or
 * column removed by hand would otherwise surface as a bare SQL error at the first statement that
 * needs it, maybe long after the start. test/storage/schema-check.test.ts keeps this list equal to what
 * the migrations create.
 */
export const SCHEMA_TABLES: Readonly<Record<string, readonly string[]>> = {
  bots: ['id', 'name', 'current_version', 'created_at'],
  flow_versions: ['bot_id', 'version', 'name', 'source', 'created_at'],
  conversations: [
    'id',
    'bot_id',
    'flow_version',
    'status',
    'variables',
    'current_block',
    'snapshot',
    'created_at',
    'updated_at',
    'owner',
    'epoch',
  ],
  messages: ['conversation_id', 'seq', 'sender', 'text', 'block_id', 'at'],
  steps: [
    'conversation_id',
    'seq',
    'from_block',
    'to_block',
    'event',
    'intent',
    'provider',
    'fallback_reason',
    'latency_ms',
    'at',
    'confidence',
    'error',
    'runner_up',
    'runner_up_score',
    'case_index',
    'choice',
    'http_method',
    'http_url',
    'http_status',
    'http_error',
  ],
  health_probe: ['id', 'at'],
  stats_moves: ['bot_id', 'flow_version', 'hour', 'from_block', 'to_block', 'event', 'intent', 'count', 'fallbacks'],
  stats_latency: ['bot_id', 'flow_version', 'hour', 'block', 'latency_ms', 'count'],
  stats_misunderstood: ['bot_id', 'flow_version', 'hour', 'block', 'text', 'conversation_id', 'count', 'last_at'],
  stats_misunderstood_totals: ['bot_id', 'flow_version', 'hour', 'block', 'text', 'count', 'last_at'],
};

/** A table, column, index or trigger of the schema is missing: someone changed the database outside flowbot. */
export class SchemaDamagedError extends Error {
  readonly code = 'schema_damaged';
  constructor(
    readonly missing: readonly string[],
    /** The schema version recorded, when known. */
    version: number | undefined,
    /** What to do, in the backend's terms. */
    remedy: string,
  ) {
    super(
      `schema_damaged: the database${version === undefined ? '' : ` (schema version ${version})`} lacks ${missing.join(', ')}, ` +
        `which flowbot created and needs: it was changed by hand; ${remedy}`,
    );
    this.name = 'SchemaDamagedError';
  }
}

/**
 * What of `expected` is not in `present` (table → its columns): `table messages` for a table, else
 * `column conversations.epoch`, in the order of `expected`.
 */
export function missingFromSchema(
  present: ReadonlyMap<string, ReadonlySet<string>>,
  expected: Readonly<Record<string, readonly string[]>> = SCHEMA_TABLES,
): string[] {
  const missing: string[] = [];
  for (const [table, columns] of Object.entries(expected)) {
    const found = present.get(table);
    if (!found) missing.push(`table ${table}`);
    else for (const column of columns) if (!found.has(column)) missing.push(`column ${table}.${column}`);
  }
  return missing;
}

/**
 * What of `expected` (indexes and triggers, as `index name` / `trigger name`, each with its table) is
 * not in `present`, in the order of `expected`; those of a table that is missing altogether are left
 * out (the table is reported). A dropped trigger is silent data loss (the statistics stop counting),
 * a dropped index a slow query or, for a primary key, duplicate rows: both are caught at start too.
 */
export function missingObjects(
  present: ReadonlySet<string>,
  expected: Readonly<Record<string, string>>,
  tables: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  return Object.entries(expected)
    .filter(([object, table]) => tables.has(table) && !present.has(object))
    .map(([object]) => object);
}

/** Rows of (table, column) as both backends' catalogues list them, grouped by table. */
export function schemaOf(rows: ReadonlyArray<{ table_name: string; column_name: string }>): Map<string, Set<string>> {
  const present = new Map<string, Set<string>>();
  for (const row of rows) {
    let columns = present.get(row.table_name);
    if (!columns) present.set(row.table_name, (columns = new Set()));
    columns.add(row.column_name);
  }
  return present;
}
