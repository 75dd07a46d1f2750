import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CustomerView, UpdateCustomerCommand } from '@appointments/contracts';
import { applyCustomerEdit, CustomerDetails, describeCustomerChanges, NotFound } from '@appointments/domain';
import { DataSource } from 'typeorm';
import { NewChatterEntry } from '../chatter/chatter-log';
import { EventLoader } from '../events/event-loader';
import { titleOf } from '../events/event-title';
import { ChatterEntriesRepository } from '../persistence/chatter-entries.repository';
import { CustomerEntity } from '../persistence/customer.entity';
import { CustomersRepository } from '../persistence/customers.repository';
import { EventEntity } from '../persistence/event.entity';
import { EventsRepository } from '../persistence/events.repository';
import { customerView } from '../persistence/views';

/**
 * Applies a staff edit of a customer's details, in one transaction:
 * - the customer row (locked first; `updated_at` moves, so a reminder prepared before is
 *   prepared again at its release, from the new details);
 * - the titles of the customer's events, where the name is part of them;
 * - a chatter line on each event still to come (not cancelled, not over), where the next
 *   notifications will go to the new details. Notifications already sent are not resent.
 */
@Injectable()
export class UpdateCustomer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly events: EventsRepository,
    private readonly loader: EventLoader,
    private readonly chatter: ChatterEntriesRepository,
  ) {}

  async execute(command: UpdateCustomerCommand): Promise<CustomerView> {
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.lockById(manager, command.id);
      if (!customer) throw new NotFound('customer', command.id);
      const { details, changes } = applyCustomerEdit(detailsOf(customer), command.changes);
      if (changes.length === 0) return customerView(customer);
      Object.assign(customer, details);
      const saved = await this.customers.saveDetails(manager, customer);

      const ids = await this.events.idsOfCustomer(manager, customer.id);
      const events = [...(await this.loader.loadMany(manager, ids, { forUpdate: true })).values()];
      const retitled: EventEntity[] = [];
      for (const { event, template } of events) {
        const title = titleOf(event, template, saved);
        if (title !== event.title) {
          event.title = title;
          retitled.push(event);
        }
      }
      if (retitled.length > 0) await this.events.saveTitles(manager, retitled);

      const now = Date.now();
      const author = { id: command.actor.id, name: command.actor.name };
      const entries = events
        .filter(({ event }) => event.bookingStatus !== 'cancelled' && event.end.getTime() > now)
        .map(({ event }): NewChatterEntry => ({
          eventId: event.id,
          kind: 'customer_updated',
          body: `${command.actor.name} changed the customer's ${describeCustomerChanges(changes)}; notifications from now on use the new details`,
          author,
          data: { customerId: customer.id, changes },
        }));
      if (entries.length > 0) await this.chatter.addMany(manager, entries);
      return customerView(saved);
    });
  }
}

function detailsOf(customer: CustomerEntity): CustomerDetails {
  return {
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    preferredConfirmationMethod: customer.preferredConfirmationMethod,
  };
}
