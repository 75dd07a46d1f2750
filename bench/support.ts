/**
 * Small helpers for the benchmarks: an HTTP client for the staff API, a bounded worker
 * pool, percentiles, and readings of /proc (RSS and CPU time of processes, machine CPU).
 *
 * No `@appointments/*` imports here: `dist/bench/*.js` runs with plain `node`, without the
 * path-alias hook of the services.
 */
import type autocannon from 'autocannon';
import { setMaxListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

// ---------------------------------------------------------------- knobs

/** An integer knob from the environment (`BENCH_*`), or its default; anything else stops the run with a clear message. */
export function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  return value;
}

// ---------------------------------------------------------------- deadlines

/** Thrown when the run's overall deadline has passed or the run was interrupted. */
export class BenchAborted extends Error {}

export class Deadline {
  readonly controller = new AbortController();
  constructor(readonly at: number) {
    // Every paced worker waits on this signal at once (hundreds of them): not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  get remainingMs(): number {
    return this.at - Date.now();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Throws once the deadline has passed or the run was aborted. */
  check(what: string): void {
    if (this.controller.signal.aborted) throw new BenchAborted(`aborted during ${what}: ${String(this.controller.signal.reason)}`);
    if (Date.now() > this.at) throw new BenchAborted(`the run's deadline passed during ${what}`);
  }

  abort(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

// ---------------------------------------------------------------- HTTP

export interface ApiAnswer<T = unknown> {
  /** HTTP status; 0 when no answer came (connection error, timeout). */
  status: number;
  body: T;
  /** The error message when status is 0. */
  error?: string;
}

export class ApiClient {
  token: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly deadline: Deadline,
    private readonly requestTimeoutMs = 30_000,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([this.deadline.signal, AbortSignal.timeout(this.requestTimeoutMs)]),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as T };
    } catch (error) {
      return { status: 0, body: null as T, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  /** Logs in as the run's first admin (its environment's `admin`, as the gateway creates it) and keeps the token. */
  async loginAsAdmin(admin: { email: string; password: string }): Promise<void> {
    const login = await this.expect<{ accessToken: string }>(200, 'POST', '/api/auth/login', admin);
    this.token = login.accessToken;
  }

  /** Like `call`, but throws unless the answer has the expected status. */
  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${answer.status} ${answer.error ?? JSON.stringify(answer.body).slice(0, 500)}`,
      );
    }
    return answer.body;
  }
}

// ---------------------------------------------------------------- concurrency

/**
 * Runs `work` for each item with at most `concurrency` in flight. Stops taking new items
 * once the deadline has passed (items not started are reported as not done).
 */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  deadline: Deadline,
  work: (item: T, index: number) => Promise<void>,
  /** Paced (open loop): item i starts no earlier than `i × startIntervalMs` after the first, whatever the answers. */
  startIntervalMs = 0,
): Promise<{ started: number }> {
  let next = 0;
  const startedAt = Date.now();
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      if (deadline.signal.aborted || Date.now() > deadline.at) return;
      const index = next++;
      const wait = startedAt + index * startIntervalMs - Date.now();
      if (wait > 0) await sleep(wait, deadline.signal);
      await work(items[index], index);
    }
  });
  await Promise.all(workers);
  return { started: next };
}

// ---------------------------------------------------------------- statistics

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Distribution {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : null;
  return {
    count: sorted.length,
    min: sorted[0] ?? null,
    mean: mean === null ? null : Math.round(mean * 10) / 10,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? null,
  };
}

// ---------------------------------------------------------------- /proc readings

/** Resident set size and its peak (VmHWM) of a process, in MiB; null when it is gone. */
export function memoryOf(pid: number | undefined): { rssMiB: number; peakRssMiB: number } | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: round1(kib('VmRSS') / 1024), peakRssMiB: round1(kib('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK)

/**
 * CPU time (user + system) a process has used so far, in seconds; null when it is gone.
 * `withReapedChildren` adds what its children that have ended used (cutime + cstime).
 */
export function cpuSecondsOf(pid: number | undefined, options: { withReapedChildren?: boolean } = {}): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = options.withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + reaped) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Machine-wide CPU counters (jiffies): busy and total, to compute utilisation over an interval. */
export function machineCpu(): { busy: number; steal: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: total - idle - iowait, steal, total };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by all processes whose command name is one of `names`
 * (e.g. postgres, beam.smp, redis-server): the infrastructure, which this machine shares
 * with whatever else runs on it. A process's ended children count too (PostgreSQL's
 * postmaster reaps every backend that closes: without them, a connection closed during the
 * interval would take its CPU out of the figure).
 */
export function cpuSecondsByCommand(names: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return totals;
  }
  for (const entry of entries.slice(0, 5000)) {
    try {
      const command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const name = names.find((candidate) => command === candidate || command.startsWith(`${candidate}`));
      if (!name) continue;
      totals[name] += cpuSecondsOf(Number(entry), { withReapedChildren: true }) ?? 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return totals;
}

// ---------------------------------------------------------------- PostgreSQL counters

export interface DatabaseCounters {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
  returned: number;
  fetched: number;
  /** Per table (`schema.table`): sequential scans and the rows they read, index scans. */
  tables: Record<
    string,
    {
      seqScans: number;
      seqRowsRead: number;
      indexScans: number;
      inserted: number;
      updated: number;
      deleted: number;
      hotUpdated: number;
      autovacuums: number;
      autoanalyzes: number;
    }
  >;
}

/** The cumulative counters of one database (pg_stat_database), read over its own short connection. */
export async function databaseCounters(url: string): Promise<DatabaseCounters | null> {
  const client = new Client({ connectionString: url, application_name: 'bench-stats', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    // Counters are flushed by each backend at most once a second; let them settle.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted AS inserted, tup_updated AS updated,
              tup_deleted AS deleted, tup_returned AS returned, tup_fetched AS fetched
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    if (!row) return null;
    const tables = await client.query(
      `SELECT schemaname || '.' || relname AS name, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,
              n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, autovacuum_count, autoanalyze_count
         FROM pg_stat_user_tables`,
    );
    return {
      ...(Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as Omit<DatabaseCounters, 'tables'>),
      tables: Object.fromEntries(
        tables.rows.map((table) => [
          table.name,
          {
            seqScans: Number(table.seq_scan),
            seqRowsRead: Number(table.seq_tup_read),
            indexScans: Number(table.idx_scan),
            inserted: Number(table.n_tup_ins),
            updated: Number(table.n_tup_upd),
            deleted: Number(table.n_tup_del),
            hotUpdated: Number(table.n_tup_hot_upd),
            autovacuums: Number(table.autovacuum_count),
            autoanalyzes: Number(table.autoanalyze_count),
          },
        ]),
      ),
    };
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What an interval cost PostgreSQL per unit of work (a reply, a reminder), from two readings of `databaseCounters`. */
export interface DatabaseCost {
  commits: number;
  rollbacks: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsFetched: number;
  /** Rows written per unit, per table (`schema.table`), tables with writes only, most written first. */
  writesByTable: { table: string; inserted: number; updated: number; deleted: number }[];
  /** Share of the updates that were HOT (no index entries written), over all tables; null without updates. */
  hotUpdateShare: number | null;
  /** Autovacuum and autoanalyze runs that finished in the interval, per table (tables with any). */
  autovacuumByTable: { table: string; vacuums: number; analyzes: number }[];
}

export function databaseCostPer(before: DatabaseCounters | null, after: DatabaseCounters | null, units: number): DatabaseCost | null {
  if (!before || !after || !units) return null;
  const per = (key: Exclude<keyof DatabaseCounters, 'tables'>) => Math.round(((after[key] - before[key]) / units) * 100) / 100;
  return {
    commits: per('commits'),
    rollbacks: per('rollbacks'),
    rowsInserted: per('inserted'),
    rowsUpdated: per('updated'),
    rowsDeleted: per('deleted'),
    rowsFetched: per('fetched'),
    writesByTable: Object.entries(after.tables)
      .map(([name, counts]) => {
        const earlier = before.tables[name];
        const perUnit = (key: 'inserted' | 'updated' | 'deleted') =>
          Math.round(((counts[key] - (earlier?.[key] ?? 0)) / units) * 100) / 100;
        return { table: name, inserted: perUnit('inserted'), updated: perUnit('updated'), deleted: perUnit('deleted') };
      })
      .filter((row) => row.inserted + row.updated + row.deleted > 0)
      .sort((a, b) => b.inserted + b.updated + b.deleted - (a.inserted + a.updated + a.deleted)),
    hotUpdateShare: (() => {
      const sum = (key: 'updated' | 'hotUpdated') =>
        Object.entries(after.tables).reduce((total, [name, counts]) => total + counts[key] - (before.tables[name]?.[key] ?? 0), 0);
      const updated = sum('updated');
      return updated > 0 ? Math.round((100 * sum('hotUpdated')) / updated) / 100 : null;
    })(),
    autovacuumByTable: Object.entries(after.tables)
      .map(([name, counts]) => ({
        table: name,
        vacuums: counts.autovacuums - (before.tables[name]?.autovacuums ?? 0),
        analyzes: counts.autoanalyzes - (before.tables[name]?.autoanalyzes ?? 0),
      }))
      .filter((row) => row.vacuums + row.analyzes > 0),
  };
}

/** The one-line report of a `DatabaseCost`. */
export function describeDatabaseCost(cost: DatabaseCost): string {
  const byTable = cost.writesByTable
    .map(
      (row) =>
        `${row.table} ${[row.inserted && `+${row.inserted}`, row.updated && `~${row.updated}`, row.deleted && `-${row.deleted}`].filter(Boolean).join(' ')}`,
    )
    .join(', ');
  return (
    `${cost.commits} commits, ${cost.rollbacks} rollbacks, rows inserted ${cost.rowsInserted}, updated ${cost.rowsUpdated}, ` +
    `deleted ${cost.rowsDeleted}, fetched ${cost.rowsFetched}` +
    (byTable ? `; rows written by table (+inserted ~updated -deleted): ${byTable}` : '') +
    (cost.hotUpdateShare !== null ? `; HOT updates ${Math.round(cost.hotUpdateShare * 100)} %` : '') +
    (cost.autovacuumByTable.length
      ? `; autovacuum/autoanalyze runs finished meanwhile: ${cost.autovacuumByTable.map((row) => `${row.table} ${row.vacuums}/${row.analyzes}`).join(', ')}`
      : '')
  );
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

// ---------------------------------------------------------------- output

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell))))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(cells[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** What an autocannon run measured: requests, their rate over the measured duration, outcomes, latency. */
export function autocannonFigures(result: autocannon.Result) {
  return {
    requests: result.requests.total,
    // Over the run's measured duration: autocannon's own average is per whole second sampled.
    requestsPerSecond: result.duration > 0 ? round1(result.requests.total / result.duration) : null,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : null,
  };
}
