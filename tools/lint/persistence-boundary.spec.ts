import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One way to persist (docs/house.md, "Persistence"): an app's SQL and TypeORM calls live in its
 * repositories (`*.repository.ts`, one per aggregate) and its migrations; use cases, handlers
 * and controllers open transactions and call repositories, never the database. Unit specs
 * run use cases against in-memory repositories, never against faked SQL text.
 */
const ROOT = path.resolve(__dirname, '../..');

/** Calls that reach the database: SQL text, query builders, entity managers' and repositories' own reads and writes. */
const DATABASE_CALLS: readonly [string, RegExp][] = [
  ['SQL (`.query(`)', /\.query\s*(<[^>]*>)?\s*\(/],
  ['a query builder', /\bcreateQueryBuilder\s*\(/],
  ['a TypeORM repository', /\bgetRepository\s*\(|@InjectRepository\s*\(/],
  ['a bulk insert (`insertRows`)', /\binsertRows\s*\(/],
  [
    "an entity manager's read or write",
    /\b(manager|dataSource\.manager|this\.manager)\s*\.\s*(find|findOne|findOneBy|findBy|findAndCount|count|exists|save|insert|update|upsert|delete|remove|increment|decrement)\s*\(/,
  ],
];

/** SQL text in a unit spec: a fake that matches statements breaks on a harmless rewrite and passes on a wrong one. */
const SQL_TEXT = /['"`][^'"`]*\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w[\w."]*\s+SET|DELETE\s+FROM)\b/i;

function filesUnder(directory: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, keep));
    else if (keep(full)) found.push(full);
  }
  return found;
}

const appFiles = filesUnder(path.join(ROOT, 'apps'), (file) => file.endsWith('.ts'));
const relative = (file: string) => path.relative(ROOT, file);

function linesMatching(file: string, pattern: RegExp): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) =>
      pattern.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//') ? [`${relative(file)}:${index + 1}`] : [],
    );
}

describe('persistence boundary', () => {
  const production = appFiles.filter(
    (file) => !file.endsWith('.spec.ts') && !file.endsWith('.repository.ts') && !file.split(path.sep).includes('migrations'),
  );

  it.each(DATABASE_CALLS)('no %s outside repositories and migrations', (_what, pattern) => {
    expect(production.flatMap((file) => linesMatching(file, pattern))).toEqual([]);
  });

  it('no unit spec of an app or lib holds SQL text', () => {
    const specs = [...appFiles, ...filesUnder(path.join(ROOT, 'libs'), (file) => file.endsWith('.ts'))].filter((file) =>
      file.endsWith('.spec.ts'),
    );
    expect(specs.flatMap((file) => linesMatching(file, SQL_TEXT))).toEqual([]);
  });

  it('finds what it looks for (the patterns match the calls they name)', () => {
    const samples = [
      'await manager.query(`SELECT 1`)',
      "this.dataSource.createQueryBuilder(EventEntity, 'e')",
      '@InjectRepository(EventEntity) private readonly events',
      'await insertRows(manager, table, rows)',
      'await manager.save(EventEntity, event)',
      'await this.dataSource.manager.update(NotificationEntity, { id }, patch)',
    ];
    for (const sample of samples) expect(DATABASE_CALLS.some(([, pattern]) => pattern.test(sample))).toBe(true);
    expect(SQL_TEXT.test("query: jest.fn((sql: string) => sql.startsWith('UPDATE scheduling.events SET')")).toBe(true);
    expect(DATABASE_CALLS.some(([, pattern]) => pattern.test('await this.events.markCancelled(manager, id)'))).toBe(false);
  });
});
