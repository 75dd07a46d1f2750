import { DataSource } from 'typeorm';
import { quoteIdentifier } from './database';

/**
 * Creates the service's schema (when missing) and runs its pending migrations, under a
 * PostgreSQL advisory lock so that several replicas starting together apply each migration
 * once. Needs no more than owning the schema when it exists already.
 */
export async function migrateSchema(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    // Created only when missing: CREATE SCHEMA (even IF NOT EXISTS) needs CREATE on the whole
    // database, which a service's role does not have where an administrator made its schema
    // for it (deploy/postgres/init-roles.sql).
    const found = await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.length === 0) await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}
