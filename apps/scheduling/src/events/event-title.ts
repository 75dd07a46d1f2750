import { renderEventTitle } from '@appointments/domain';
import { CustomerEntity } from '../persistence/customer.entity';
import { EventEntity } from '../persistence/event.entity';
import { TemplateEntity } from '../persistence/template.entity';

/** The internal title of an event in its current status, from its template's pattern. */
export function titleOf(event: EventEntity, template: TemplateEntity, customer: CustomerEntity): string {
  return renderEventTitle(template.titlePattern, {
    bookingStatus: event.bookingStatus,
    customerName: customer.name,
    organizerName: event.organizer.name,
    customerTitle: template.customerTitle,
    statusLabels: template.statusLabels,
  });
}
