import { Client } from 'pg';

/**
 * Creates the database named in `url` when it does not exist yet (first start on a fresh
 * machine). Connects to the server's `postgres` maintenance database to do so; tolerates
 * another service creating it at the same moment. When the database exists, only it is
 * connected to: a service's role needs no right on any other database.
 */
export async function ensureDatabase(url: string): Promise<void> {
  if (await databaseExists(url)) return;
  const { database, client } = await maintenanceSession(url);
  try {
    // Services start together: one creates the database while the others wait (two
    // concurrent CREATE DATABASE fail with "template1 is being accessed by other users").
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`create-database:${database}`]);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error; // created concurrently
      });
    }
  } finally {
    await client.end(); // ends the session, releasing the lock
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { database, client } = await maintenanceSession(url);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Whether the database `url` names can be connected to; false only when it does not exist. */
async function databaseExists(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return false; // invalid_catalog_name
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A session on the server's `postgres` database, and the name of the database `url` points at. */
async function maintenanceSession(url: string): Promise<{ database: string; client: Client }> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  return { database, client };
}

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
