import {
  dropDatabase,
  ensureDatabase,
  enablePreparedStatements,
  MAX_PREPARED_STATEMENTS_PER_CONNECTION,
  preparingClientClass,
} from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { DataSource } from 'typeorm';

jest.setTimeout(30_000);

/** What the pool's one connection has prepared (pg_prepared_statements is per session). */
async function preparedOn(dataSource: DataSource): Promise<string[]> {
  const rows: { statement: string }[] = await dataSource.query(
    `SELECT statement FROM pg_prepared_statements WHERE from_sql = false ORDER BY prepare_time`,
  );
  return rows.map((row) => row.statement);
}

describe('named prepared statements for parameterised queries (preparingClientClass)', () => {
  const environment = isolatedEnvironment('prepared');
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    // One connection, so that every query below runs on the session pg_prepared_statements shows.
    dataSource = await new DataSource({
      type: 'postgres',
      url: environment.databaseUrl,
      extra: { max: 1, Client: preparingClientClass() },
    }).initialize();
    await dataSource.query('CREATE TABLE probe (id int PRIMARY KEY, note text)');
    await dataSource.query(`INSERT INTO probe SELECT n, 'note ' || n FROM generate_series(1, 20) AS n`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(environment.databaseUrl);
  });

  it('prepares nothing until enabled (the service enables it after its migrations)', async () => {
    await expect(dataSource.query('SELECT note FROM probe WHERE id = $1', [1])).resolves.toEqual([{ note: 'note 1' }]);
    expect(await preparedOn(dataSource)).toEqual([]);
  });

  it('once enabled, prepares a parameterised text once and reuses it, with the right results each time', async () => {
    enablePreparedStatements(dataSource);
    for (const id of [2, 3, 4])
      await expect(dataSource.query('SELECT note FROM probe WHERE id = $1', [id])).resolves.toEqual([{ note: `note ${id}` }]);
    await expect(dataSource.query('SELECT note FROM probe WHERE id = ANY($1::int[]) ORDER BY id', [[5, 6]])).resolves.toEqual([
      { note: 'note 5' },
      { note: 'note 6' },
    ]);
    expect(await preparedOn(dataSource)).toEqual([
      'SELECT note FROM probe WHERE id = $1',
      'SELECT note FROM probe WHERE id = ANY($1::int[]) ORDER BY id',
    ]);
  });

  it('leaves queries without parameters and transactions as they were', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.query('UPDATE probe SET note = $1 WHERE id = $2', ['changed', 7]);
      await manager.query(`UPDATE probe SET note = 'changed too' WHERE id = 8`);
    });
    await expect(dataSource.query('SELECT id, note FROM probe WHERE id = ANY($1::int[]) ORDER BY id', [[7, 8]])).resolves.toEqual([
      { id: 7, note: 'changed' },
      { id: 8, note: 'changed too' },
    ]);
    const prepared = await preparedOn(dataSource);
    expect(prepared).toContain('UPDATE probe SET note = $1 WHERE id = $2');
    expect(prepared.some((text) => text.includes("'changed too'") || /START|BEGIN|COMMIT/.test(text))).toBe(false);
  });

  it('a failing statement fails as before and does not break the connection', async () => {
    await expect(dataSource.query('SELECT note FROM no_such_table WHERE id = $1', [1])).rejects.toThrow(/no_such_table/);
    await expect(dataSource.query('INSERT INTO probe (id, note) VALUES ($1, $2)', [1, 'duplicate'])).rejects.toThrow(/duplicate key/);
    await expect(dataSource.query('INSERT INTO probe (id, note) VALUES ($1, $2)', [21, 'new'])).resolves.toEqual([]);
    await expect(dataSource.query('SELECT note FROM probe WHERE id = $1', [21])).resolves.toEqual([{ note: 'new' }]);
  });

  it('after a table changes its columns under a prepared statement, the text is prepared afresh', async () => {
    const text = 'SELECT * FROM probe WHERE id = $1';
    await expect(dataSource.query(text, [1])).resolves.toEqual([{ id: 1, note: 'note 1' }]);
    await dataSource.query('ALTER TABLE probe ADD COLUMN extra text');
    // PostgreSQL may refuse the old plan once ("cached plan must not change result type"); the next call works.
    await dataSource.query(text, [1]).catch((error: { code?: string }) => expect(error.code).toBe('0A000'));
    await expect(dataSource.query(text, [1])).resolves.toEqual([{ id: 1, note: 'note 1', extra: null }]);
  });

  it(`prepares at most ${MAX_PREPARED_STATEMENTS_PER_CONNECTION} texts per connection; the rest still run, unnamed`, async () => {
    const before = (await preparedOn(dataSource)).length;
    const texts = Array.from({ length: MAX_PREPARED_STATEMENTS_PER_CONNECTION + 10 }, (_, index) => `SELECT $1::int + ${index} AS n`);
    for (const [index, text] of texts.entries()) await expect(dataSource.query(text, [1])).resolves.toEqual([{ n: 1 + index }]);
    const prepared = await preparedOn(dataSource);
    expect(prepared.length).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS_PER_CONNECTION + 1);
    expect(prepared.length).toBeGreaterThan(before);
    expect(prepared).not.toContain(texts[texts.length - 1]);
  });

  it('with the plain pg client (DATABASE_PREPARED_STATEMENTS=false), enabling changes nothing and nothing is prepared', async () => {
    const plain = await new DataSource({ type: 'postgres', url: environment.databaseUrl, extra: { max: 1 } }).initialize();
    try {
      enablePreparedStatements(plain);
      await expect(plain.query('SELECT note FROM probe WHERE id = $1', [2])).resolves.toEqual([{ note: 'note 2' }]);
      expect(await preparedOn(plain)).toEqual([]);
    } finally {
      await plain.destroy();
    }
  });
});
