import { EntityManager } from 'typeorm';
import { quoteIdentifier } from './database';

export interface BulkInsertOptions {
  /** `ON CONFLICT DO NOTHING`: rows whose key exists already are skipped. */
  skipConflicts?: boolean;
}

/**
 * Inserts many rows with one statement and one parameter: the rows travel as a JSON array
 * and `json_populate_recordset` reads them with the table's own column types, so a
 * thousand rows cost one round trip and no per-value parameter handling. For the hot
 * paths (a batch of notifications, tokens, chatter); elsewhere the entity API is simpler.
 *
 * Rows are keyed by column name (snake_case, as in the table). Every row must carry the
 * same columns; the columns no row carries take their defaults. `bytea` values are given
 * as `\x…` hex strings, `jsonb` values as plain objects or arrays, times as `Date`s.
 */
export async function insertRows(
  manager: EntityManager,
  table: { schema: string; name: string },
  rows: readonly object[],
  options: BulkInsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]).map(quoteIdentifier).join(', ');
  const qualified = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
  await manager.query(
    `INSERT INTO ${qualified} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${qualified}, $1::json)` +
      (options.skipConflicts ? ' ON CONFLICT DO NOTHING' : ''),
    [JSON.stringify(rows)],
  );
}
