import type { EntityManager } from 'typeorm';
import { CustomerEntity } from './customer.entity';
import type { CustomersRepository, NewCustomer } from './customers.repository';

/** `CustomersRepository` in memory, for use-case specs: reads hand out copies, writes store copies (as a database would). */
export class InMemoryCustomersRepository implements Pick<CustomersRepository, keyof CustomersRepository> {
  private readonly rows = new Map<string, CustomerEntity>();

  /** Customers as stored, before the spec runs. */
  constructor(customers: CustomerEntity[] = []) {
    for (const customer of customers) this.rows.set(customer.id, copy(customer));
  }

  /** The customer as stored now (a copy), or undefined. */
  stored(id: string): CustomerEntity | undefined {
    const row = this.rows.get(id);
    return row && copy(row);
  }

  async add(_manager: EntityManager, customer: NewCustomer): Promise<CustomerEntity> {
    const now = new Date();
    const row = Object.assign(new CustomerEntity(), customer, { createdAt: now, updatedAt: now });
    this.rows.set(row.id, copy(row));
    return row;
  }

  async findById(_manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return this.stored(id) ?? null;
  }

  async lockById(manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return this.findById(manager, id);
  }

  async nameOf(_manager: EntityManager, id: string): Promise<{ id: string; name: string } | null> {
    const row = this.rows.get(id);
    return row ? { id: row.id, name: row.name } : null;
  }

  async namesOf(_manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    return new Map(ids.flatMap((id) => (this.rows.has(id) ? [[id, this.rows.get(id)!.name] as const] : [])));
  }

  async search(_manager: EntityManager, search?: string): Promise<CustomerEntity[]> {
    const needle = search?.toLowerCase();
    const digits = search?.replace(/\D/g, '') ?? '';
    return [...this.rows.values()]
      .filter(
        (row) =>
          !needle ||
          row.name.toLowerCase().includes(needle) ||
          Boolean(row.email?.toLowerCase().includes(needle)) ||
          (digits.length >= 3 && Boolean(row.phone?.includes(digits))),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(0, 500)
      .map(copy);
  }

  async saveDetails(_manager: EntityManager, customer: CustomerEntity): Promise<CustomerEntity> {
    const row = Object.assign(copy(customer), { updatedAt: new Date() });
    this.rows.set(row.id, copy(row));
    return row;
  }
}

function copy(customer: CustomerEntity): CustomerEntity {
  return Object.assign(new CustomerEntity(), structuredClone({ ...customer }));
}
