import { Injectable } from '@nestjs/common';
import { containsPattern } from '@appointments/persistence';
import { EntityManager } from 'typeorm';
import { CustomerEntity } from './customer.entity';

/** A customer's details as staff enter them. */
export interface NewCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  preferredConfirmationMethod: CustomerEntity['preferredConfirmationMethod'];
}

/** Every statement about customers (`scheduling.customers`). */
@Injectable()
export class CustomersRepository {
  /** Stores a new customer; the stored one comes back (its times set). */
  add(manager: EntityManager, customer: NewCustomer): Promise<CustomerEntity> {
    return manager.save(manager.create(CustomerEntity, customer));
  }

  findById(manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return manager.findOneBy(CustomerEntity, { id });
  }

  /** The customer, its row locked until the transaction ends (a staff edit). */
  lockById(manager: EntityManager, id: string): Promise<CustomerEntity | null> {
    return manager.findOne(CustomerEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The id and name of the customer (a chatter author), or null. */
  async nameOf(manager: EntityManager, id: string): Promise<{ id: string; name: string } | null> {
    const rows: { id: string; name: string }[] = await manager.query('SELECT id, name FROM scheduling.customers WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  /** The ids and names of the customers (for lists of events), by id; unknown ids are left out. */
  async namesOf(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await manager.query(
      'SELECT id, name FROM scheduling.customers WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /**
   * The newest 500 customers, or those whose name or email contains `search` (and whose phone
   * contains its digits, when it has three or more).
   */
  search(manager: EntityManager, search?: string): Promise<CustomerEntity[]> {
    const builder = manager.createQueryBuilder(CustomerEntity, 'customer');
    if (search) {
      const like = containsPattern(search);
      const digits = search.replace(/\D/g, '');
      builder.where(
        digits.length >= 3
          ? '(customer.name ILIKE :like OR customer.email ILIKE :like OR customer.phone LIKE :digits)'
          : '(customer.name ILIKE :like OR customer.email ILIKE :like)',
        { like, digits: `%${digits}%` },
      );
    }
    return builder.orderBy('customer.createdAt', 'DESC').addOrderBy('customer.id').take(500).getMany();
  }

  /** Stores a loaded customer's changed details (`updated_at` moves); the stored one comes back. */
  saveDetails(manager: EntityManager, customer: CustomerEntity): Promise<CustomerEntity> {
    return manager.save(customer);
  }
}
