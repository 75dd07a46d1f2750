import { createHash } from 'node:crypto';
import { Client, ClientConfig, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

/** Named statements one connection keeps at most; further texts run unnamed (parsed and planned each time). */
export const MAX_PREPARED_STATEMENTS_PER_CONNECTION = 500;
/** Longer texts run unnamed: a statement that long is rare and not worth the server's memory. */
const MAX_PREPARED_TEXT_LENGTH = 20_000;
/** PostgreSQL: "cached plan must not change result type" (a table's columns changed under a prepared statement). */
const CACHED_PLAN_CHANGED = '0A000';

/** A pg `Client` class whose parameterised queries reuse named prepared statements once enabled. */
export type PreparingClientClass = typeof Client & { enable(): void; readonly enabled: boolean };

/**
 * A pg `Client` class for a pool (`extra.Client` of TypeORM's options) that turns each
 * parameterised query (`query(text, values)`, as TypeORM sends them) into a named prepared
 * statement of that connection, so PostgreSQL parses and plans its text once per connection
 * instead of on every call. On this machine, parse and bind (where an unnamed statement is
 * planned) were half of PostgreSQL's time for the services' statements. The name is a hash of
 * the text; a connection keeps at most `MAX_PREPARED_STATEMENTS_PER_CONNECTION` of them (texts
 * built with a variable number of placeholders would otherwise grow without end); queries
 * without parameters (`BEGIN`, `COMMIT`) and anything else pass through unchanged.
 *
 * Off until `enable()`: the service turns it on once its migrations have run, so no statement
 * is prepared against a table a migration is about to change. Should a table's columns still
 * change under a prepared statement (a newer release's migration while this one runs),
 * PostgreSQL refuses it once (`0A000`) and the text gets a fresh statement on its next call.
 */
export function preparingClientClass(): PreparingClientClass {
  let enabled = false;
  /** Text → name, shared by the pool's connections (every connection prepares a name on first use). */
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `s_${createHash('sha1').update(text).digest('base64url')}`;
      if (names.size >= MAX_PREPARED_STATEMENTS_PER_CONNECTION * 4) names.clear();
      names.set(text, name);
    }
    return name;
  };

  class PreparingClient extends Client {
    static enable() {
      enabled = true;
    }
    static get enabled() {
      return enabled;
    }

    /** The names this connection has prepared (or is preparing), and their replacements after a refusal. */
    private readonly prepared = new Set<string>();
    private readonly renamed = new Map<string, string>();

    constructor(config?: string | ClientConfig) {
      super(config);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(...args: any[]): any {
      const [text, values, callback] = args;
      if (
        !enabled ||
        typeof text !== 'string' ||
        !Array.isArray(values) ||
        values.length === 0 ||
        callback !== undefined ||
        text.length > MAX_PREPARED_TEXT_LENGTH
      ) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return (super.query as (...a: any[]) => any)(...args);
      }
      const hashed = nameOf(text);
      const name = this.renamed.get(hashed) ?? hashed;
      if (!this.prepared.has(name)) {
        if (this.prepared.size >= MAX_PREPARED_STATEMENTS_PER_CONNECTION) return super.query(text, values);
        this.prepared.add(name);
      }
      const config: QueryConfig = { name, text, values };
      return super.query(config).catch((error: { code?: string }) => {
        if (error?.code === CACHED_PLAN_CHANGED) this.renamed.set(hashed, `${hashed}_${this.renamed.size + 1}`);
        throw error;
      });
    }
  }
  return PreparingClient as unknown as PreparingClientClass;
}

/** Turns on prepared statements for a DataSource whose pool was made with `preparingClientClass()` (else nothing). */
export function enablePreparedStatements(dataSource: DataSource): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pool = (dataSource.driver as any).master as { options?: { Client?: Partial<PreparingClientClass> } } | undefined;
  pool?.options?.Client?.enable?.();
}
