import { EntityManager } from 'typeorm';
import { quoteIdentifier } from './database';

export interface BulkInsertOptions {
  /** `ON CONFLICT DO NOTHING`: rows whose key exists already are skipped. */
  skipConflicts?: boolean;
  /**
   * The conflict clause after `ON CONFLICT`, for one index: `(dedupe_key, channel) WHERE dedupe_key IS NOT NULL
   * DO NOTHING`, `(event_id, config_key) DO UPDATE SET …` (a conflict on any other key still fails).
   */
  onConflict?: string;
  /** Columns of the rows written to return (a row skipped by the conflict clause is not returned). */
  returning?: readonly string[];
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
export async function insertRows<Returned = never>(
  manager: EntityManager,
  table: { schema: string; name: string },
  rows: readonly object[],
  options: BulkInsertOptions = {},
): Promise<Returned[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]).map(quoteIdentifier).join(', ');
  const qualified = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
  const conflict = options.onConflict ? ` ON CONFLICT ${options.onConflict}` : options.skipConflicts ? ' ON CONFLICT DO NOTHING' : '';
  const returning = options.returning?.length ? ` RETURNING ${options.returning.map(quoteIdentifier).join(', ')}` : '';
  const result: Returned[] = await manager.query(
    `INSERT INTO ${qualified} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${qualified}, $1::json)${conflict}${returning}`,
    [JSON.stringify(rows)],
  );
  return returning ? result : [];
}
