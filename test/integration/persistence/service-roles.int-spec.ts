import { dropDatabase, ensureDatabase, migrateSchema, PersistenceOptions, serviceDataSourceOptions } from '@appointments/persistence';
import { isolatedEnvironment } from '@appointments/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource, getMetadataArgsStorage } from 'typeorm';

jest.setTimeout(60_000);

/**
 * deploy/postgres/init-roles.sql: each service runs its migrations and its queries as a role
 * that owns only its own schema, and cannot read another service's. The roles are made in
 * this test's own database, under a prefix of its own (roles are cluster-wide).
 */
const ROOT = join(__dirname, '../../..');
const INIT_ROLES_SQL = readFileSync(join(ROOT, 'deploy/postgres/init-roles.sql'), 'utf8');

/** Each service: its role suffix (init-roles.sql), its schema and its app folder. */
const SERVICES = [
  { name: 'gateway', schema: 'gateway', app: 'gateway' },
  { name: 'scheduling', schema: 'scheduling', app: 'scheduling' },
  { name: 'dispatch', schema: 'notification_dispatch', app: 'notification-dispatch' },
  { name: 'inbound', schema: 'inbound_response', app: 'inbound-response' },
  { name: 'reminders', schema: 'reminder_scheduler', app: 'reminder-scheduler' },
] as const;
type Service = (typeof SERVICES)[number];

type Constructor = abstract new (...args: never[]) => unknown;

/** The classes a folder's files export (each migration or entity file exports its class). */
function classesIn(folder: string, fileName: RegExp): Constructor[] {
  return (
    readdirSync(folder)
      .filter((file) => fileName.test(file) && !file.endsWith('.spec.ts'))
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- every file of a folder, loaded as TypeORM's globs would
      .flatMap((file) => Object.values(require(join(folder, file)) as Record<string, unknown>))
      .filter((value): value is Constructor => typeof value === 'function')
  );
}

/** The service's schema, migrations and entities, as its module gives them to PersistenceModule. */
function persistenceOf(service: Service): PersistenceOptions {
  const folder = join(ROOT, 'apps', service.app, 'src/persistence');
  return {
    schema: service.schema,
    migrations: classesIn(join(folder, 'migrations'), /^\d+-.+\.ts$/).filter((type) => typeof type.prototype?.up === 'function'),
    entities: classesIn(folder, /\.entity\.ts$/).filter((type) => getMetadataArgsStorage().tables.some((table) => table.target === type)),
  };
}

describe('per-service PostgreSQL roles (deploy/postgres/init-roles.sql)', () => {
  const environment = isolatedEnvironment('roles');
  const prefix = `${environment.runId}_`;
  const roleOf = (service: Service) => `${prefix}${service.name}`;
  const passwordOf = (service: Service) => `password-of-${service.name}-0123456789`;
  /** The database URL of the service's role (local PostgreSQL trusts any role; the password is carried anyway). */
  const urlOf = (service: Service) => {
    const url = new URL(environment.databaseUrl);
    url.username = roleOf(service);
    url.password = passwordOf(service);
    return url.toString();
  };
  const opened: DataSource[] = [];
  let admin: Client;

  async function initRoles(settings: Record<string, string> = {}) {
    const values: Record<string, string> = {
      role_prefix: prefix,
      ...Object.fromEntries(SERVICES.map((service) => [`${service.name}_password`, passwordOf(service)])),
      ...settings,
    };
    for (const [name, value] of Object.entries(values))
      await admin.query('SELECT set_config($1, $2, false)', [`appointments.${name}`, value]);
    await admin.query(INIT_ROLES_SQL);
  }

  /** What PersistenceModule does at a service's start, as the service's role. */
  async function startAs(service: Service): Promise<{ dataSource: DataSource; applied: string[] }> {
    const config = { DATABASE_URL: urlOf(service), DATABASE_PREPARED_STATEMENTS: true };
    await ensureDatabase(config.DATABASE_URL);
    const options = serviceDataSourceOptions(config, persistenceOf(service));
    const dataSource = await new DataSource({ ...options, extra: { ...options.extra, max: 2 } }).initialize();
    opened.push(dataSource);
    const applied = await migrateSchema(dataSource, service.schema);
    return { dataSource, applied };
  }

  async function tablesOf(dataSource: DataSource, schema: string): Promise<{ name: string; owner: string }[]> {
    return dataSource.query(`SELECT tablename AS name, tableowner AS owner FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [
      schema,
    ]);
  }

  beforeAll(async () => {
    await ensureDatabase(environment.databaseUrl);
    admin = new Client({ connectionString: environment.databaseUrl });
    await admin.connect();
  });

  afterAll(async () => {
    for (const dataSource of opened) await dataSource.destroy().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await dropDatabase(environment.databaseUrl);
    // The roles own nothing left once their database is gone.
    const server = new Client({ connectionString: environment.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await server.connect();
    try {
      for (const service of SERVICES) await server.query(`DROP ROLE IF EXISTS "${roleOf(service)}"`);
    } finally {
      await server.end();
    }
  });

  it('refuses to run without every password, naming the setting and not printing any value', async () => {
    const error = await initRoles({ inbound_password: 'short' }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('appointments.inbound_password must be set to a password of 16 characters or more');
    const { rows } = await admin.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${prefix}%`]);
    expect(rows).toEqual([]); // one transaction: nothing was made
  });

  it('an installation whose tables the superuser made is handed over to the service role', async () => {
    // Before per-service roles: the service ran as the superuser and made its schema itself.
    const gateway = SERVICES[0];
    const before = await new DataSource({
      ...serviceDataSourceOptions({ DATABASE_URL: environment.databaseUrl, DATABASE_PREPARED_STATEMENTS: false }, persistenceOf(gateway)),
    }).initialize();
    opened.push(before);
    expect(await migrateSchema(before, gateway.schema)).not.toEqual([]);
    await before.query(
      `INSERT INTO gateway.staff_users (id, email, name, password_hash, role) VALUES (gen_random_uuid(), 'kept@example.com', 'Kept', 'x', 'staff')`,
    );

    await initRoles();

    const { dataSource, applied } = await startAs(gateway);
    expect(applied).toEqual([]);
    expect((await tablesOf(dataSource, gateway.schema)).map((table) => table.owner)).toEqual(expect.arrayContaining([roleOf(gateway)]));
    expect(new Set((await tablesOf(dataSource, gateway.schema)).map((table) => table.owner))).toEqual(new Set([roleOf(gateway)]));
    await expect(dataSource.query('SELECT email FROM gateway.staff_users')).resolves.toEqual([{ email: 'kept@example.com' }]);
  });

  it.each(SERVICES.map((service) => [service.app, service] as const))(
    '%s: migrations and queries run as its role, which owns every table in its schema',
    async (_app, service) => {
      const { dataSource } = await startAs(service);
      const tables = await tablesOf(dataSource, service.schema);
      expect(tables.length).toBeGreaterThan(0);
      expect(new Set(tables.map((table) => table.owner))).toEqual(new Set([roleOf(service)]));
      await expect(dataSource.query('SELECT current_user AS role, usesuper FROM pg_user WHERE usename = current_user')).resolves.toEqual([
        { role: roleOf(service), usesuper: false },
      ]);

      // Its own tables: read each, and write through the messaging lib's outbox where it has one.
      for (const table of tables)
        await expect(dataSource.query(`SELECT count(*)::int AS n FROM "${service.schema}"."${table.name}"`)).resolves.toHaveLength(1);
      if (tables.some((table) => table.name === 'outbox')) {
        await dataSource.query(`INSERT INTO "${service.schema}".outbox (id, type, envelope) VALUES (gen_random_uuid(), 'Probe', '{}')`);
        await expect(dataSource.query(`SELECT type FROM "${service.schema}".outbox WHERE type = $1`, ['Probe'])).resolves.toEqual([
          { type: 'Probe' },
        ]);
        await dataSource.query(`SELECT pg_notify($1, '1')`, [`outbox_${service.schema}`]);
      }

      // A second start (a restart, another replica): the schema exists and everything is applied.
      const again = await startAs(service);
      expect(again.applied).toEqual([]);
    },
  );

  it("a service's role cannot read or change another service's schema, nor make schemas or tables outside its own", async () => {
    const [gateway, scheduling] = [SERVICES[0], SERVICES[1]];
    const { dataSource } = await startAs(scheduling); // migrated above; opened afresh as scheduling
    const asGateway = (await startAs(gateway)).dataSource;
    const refused = (sql: string) => expect(asGateway.query(sql)).rejects.toMatchObject({ code: '42501' }); // insufficient_privilege

    await refused('SELECT * FROM scheduling.customers');
    await refused('SELECT * FROM scheduling.outbox');
    await refused(`INSERT INTO scheduling.outbox (id, type, envelope) VALUES (gen_random_uuid(), 'Forged', '{}')`);
    await refused('DROP TABLE scheduling.customers');
    await refused('CREATE TABLE scheduling.planted (id int)');
    await refused('SELECT * FROM notification_dispatch.notifications');
    await refused('CREATE SCHEMA planted');
    await refused('CREATE TABLE public.planted (id int)');
    await refused('CREATE TEMPORARY TABLE planted (id int)');
    await refused('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
    // And the other way round.
    await expect(dataSource.query('SELECT * FROM gateway.staff_users')).rejects.toMatchObject({ code: '42501' });
  });
});
