import type { ChatterEntryView, CustomerView, EventView, TemplateView } from '@appointments/contracts';
import { ChatterEntryEntity } from './chatter-entry.entity';
import { CustomerEntity } from './customer.entity';
import { EventEntity } from './event.entity';
import { TemplateEntity } from './template.entity';

/** Rows to the shapes of the public contract (camelCase, ISO-8601 times). */
export const customerView = (row: CustomerEntity): CustomerView => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  preferredConfirmationMethod: row.preferredConfirmationMethod,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const templateView = (row: TemplateEntity): TemplateView => ({
  id: row.id,
  name: row.name,
  titlePattern: row.titlePattern,
  customerTitle: row.customerTitle,
  defaultDurationMinutes: row.defaultDurationMinutes,
  defaultLocation: row.defaultLocation,
  statusLabels: row.statusLabels,
  notificationConfigs: row.notificationConfigs,
  reminderTriggers: row.reminderTriggers,
  followers: row.followers,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const eventView = (row: EventEntity, customerTitle: string): EventView => ({
  id: row.id,
  title: row.title,
  customerId: row.customerId,
  templateId: row.templateId,
  customerTitle,
  start: row.start.toISOString(),
  end: row.end.toISOString(),
  timeZone: row.timeZone,
  location: row.location,
  videoUrl: row.videoUrl,
  description: row.description,
  organizer: row.organizer,
  salesperson: row.salesperson ?? null,
  bookingStatus: row.bookingStatus,
  attendeeStatus: row.attendeeStatus,
  notificationState: row.notificationState,
  changedFields: row.changedFields,
  declineReason: row.declineReason,
  rescheduleReason: row.rescheduleReason,
  calendarSequence: row.calendarSequence,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const chatterView = (row: ChatterEntryEntity): ChatterEntryView => ({
  id: row.id,
  eventId: row.eventId,
  kind: row.kind,
  body: row.body,
  author: row.author,
  channel: row.channel,
  data: row.data,
  createdAt: row.createdAt.toISOString(),
});
