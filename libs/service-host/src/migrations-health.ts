import { Inject, Injectable } from '@nestjs/common';
import type { HealthIndicator } from '@appointments/observability';
import { quoteIdentifier, SERVICE_SCHEMA } from '@appointments/persistence';
import { DataSource } from 'typeorm';

/** PostgreSQL: the relation does not exist (the schema was never migrated). */
const UNDEFINED_TABLE = '42P01';

/**
 * Readiness only: every migration this build knows is recorded in the service's `migrations`
 * table. The service applies them at start, before it listens; this catches a database that was
 * restored or replaced under a running service. Read-only (TypeORM's `showMigrations` would
 * create the table), one statement per probe; a newer replica's further migrations are fine.
 */
@Injectable()
export class MigrationsHealthIndicator implements HealthIndicator {
  readonly name = 'migrations';

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  async check(): Promise<void> {
    const known = this.dataSource.migrations.map((migration) => migration.name).filter((name): name is string => Boolean(name));
    let applied: { name: string }[];
    try {
      applied = await this.dataSource.query(`SELECT name FROM ${quoteIdentifier(this.schema)}.migrations`);
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) throw new Error(`schema ${this.schema} has no migrations applied`);
      throw error;
    }
    const names = new Set(applied.map((row) => row.name));
    const pending = known.filter((name) => !names.has(name));
    if (pending.length > 0) throw new Error(`migrations not applied: ${pending.join(', ')}`);
  }
}
