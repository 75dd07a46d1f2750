import { ApiProperty } from '@nestjs/swagger';
import { REMINDER_STATUSES, ReminderStatus, ReminderView } from '@appointments/contracts';

/** `ReminderView` (contracts) as OpenAPI describes it: one scheduled reminder of an event. */
export class ReminderViewDto implements ReminderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'reminder-24h', description: "The template's reminder config that is sent (type `reminder`)" }) configKey: string;
  @ApiProperty({ example: 1440, description: 'Minutes before the start (absolute time, across daylight-saving changes)' })
  offsetMinutes: number;
  @ApiProperty({ format: 'date-time', description: 'The event start this reminder was computed from' }) start: string;
  @ApiProperty({
    example: 1,
    description: "The version of the event's start it was computed from; a reminder of an older version never sends",
  })
  startVersion: number;
  @ApiProperty({ format: 'date-time', description: 'When it fires: start minus offsetMinutes' }) dueAt: string;
  @ApiProperty({ enum: REMINDER_STATUSES, example: 'scheduled' }) status: ReminderStatus;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was skipped, missed or cancelled; null while scheduled or once fired' })
  reason: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When it fired: handed over to be sent (staged, up to REMINDER_STAGE_AHEAD_SECONDS before dueAt; the send itself is at dueAt, in the notifications console); null before',
  })
  firedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
