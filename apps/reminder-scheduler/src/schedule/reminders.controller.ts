import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ByIdQuery, REMINDER_REQUEST, ReminderView } from '@appointments/contracts';
import { RemindersRepository } from '../persistence/reminders.repository';

/** `REMINDER_REQUEST.listReminders`: an event's reminders by due time (an unknown event has none). */
@Controller()
export class RemindersController {
  constructor(private readonly reminders: RemindersRepository) {}

  @MessagePattern(REMINDER_REQUEST.listReminders)
  list(@Payload() query: ByIdQuery): Promise<ReminderView[]> {
    return this.reminders.viewsOfEvent(query.id);
  }
}
