import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { ByIdQuery, REMINDER_REQUEST, ReminderView } from '@appointments/contracts';
import { DataSource } from 'typeorm';
import { reminderRows } from '../persistence/reminder-rows';

/** `REMINDER_REQUEST.listReminders`: an event's reminders by due time (an unknown event has none). */
@Controller()
export class RemindersController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @MessagePattern(REMINDER_REQUEST.listReminders)
  list(@Payload() query: ByIdQuery): Promise<ReminderView[]> {
    return reminderRows.viewsOfEvent(this.dataSource.manager, query.id);
  }
}
