import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventRescheduledPayload, EventStatusChangedPayload, FieldsChangedPayload } from '@appointments/contracts';
import { decideBooking, decideCancellation, decideStartMove, reminderJobId } from '@appointments/domain';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { ReminderRow, RemindersRepository, triggerKey } from '../persistence/reminders.repository';
import { ReminderConfig } from '../reminder.config';
import { DelayedJob, JobChanges } from '../reminders/reminder-queue';

/** A fact with when it happened (the envelope's `occurredAt`). */
export interface Fact<P> {
  payload: P;
  occurredAt: Date;
}

export type StartMovedPayload = Pick<FieldsChangedPayload | EventRescheduledPayload, 'eventId' | 'start' | 'startVersion'>;

/**
 * The schedule's use cases for a batch of facts: each reads the events' reminders locked, applies
 * the domain's decision to each fact in arrival order (a later fact of the same batch sees the
 * earlier one's effect), writes every changed row with one statement, and returns the job changes
 * for Redis, which the caller applies after the commit.
 */
@Injectable()
export class ReminderSchedule {
  constructor(
    private readonly config: ReminderConfig,
    private readonly reminders: RemindersRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `EventBooked` / `RsvpRequested`: one reminder per trigger of the template. */
  async book(manager: EntityManager, facts: readonly Fact<EventStatusChangedPayload>[], now = new Date()): Promise<JobChanges> {
    const state = await this.load(
      manager,
      facts.map((fact) => fact.payload.eventId),
    );
    const changed = new Map<string, ReminderRow>();
    const changes: JobChanges = { add: [], remove: [] };
    for (const { payload, occurredAt } of facts) {
      for (const trigger of payload.reminderTriggers ?? []) {
        const key = triggerKey(payload.eventId, trigger.configKey, trigger.offsetMinutes);
        const row = state.get(key) ?? null;
        const decision = decideBooking(
          row,
          { start: payload.start, startVersion: payload.startVersion, offsetMinutes: trigger.offsetMinutes, occurredAt },
          now,
        );
        if (decision.action === 'keep') continue;
        const next: ReminderRow = {
          id: row?.id ?? randomUUID(),
          eventId: payload.eventId,
          configKey: trigger.configKey,
          offsetMinutes: trigger.offsetMinutes,
          start: new Date(payload.start),
          startVersion: payload.startVersion,
          dueAt: decision.dueAt,
          status: decision.status,
          reason: decision.reason,
          firedAt: null,
          statusChangedAt: occurredAt,
        };
        this.track(row, next, state, changed, changes, key);
        if (next.status === 'skipped') {
          this.logger.info(
            {
              eventId: next.eventId,
              reminderId: next.id,
              configKey: next.configKey,
              offsetMinutes: next.offsetMinutes,
              dueAt: next.dueAt,
              reason: next.reason,
            },
            'reminder skipped: due time already past',
          );
        }
      }
    }
    await this.reminders.store(manager, [...changed.values()]);
    return changes;
  }

  /** `FieldsChanged` / `EventRescheduled`: reminders computed from an older start follow the new one. */
  async move(manager: EntityManager, facts: readonly Fact<StartMovedPayload>[], now = new Date()): Promise<JobChanges> {
    const state = await this.load(
      manager,
      facts.map((fact) => fact.payload.eventId),
    );
    const byEvent = groupByEvent(state);
    const changed = new Map<string, ReminderRow>();
    const changes: JobChanges = { add: [], remove: [] };
    for (const { payload, occurredAt } of facts) {
      for (const key of byEvent.get(payload.eventId) ?? []) {
        const row = state.get(key)!;
        const decision = decideStartMove(
          row,
          { start: payload.start, startVersion: payload.startVersion, offsetMinutes: row.offsetMinutes },
          now,
        );
        if (decision.action === 'ignore') continue;
        const next: ReminderRow = {
          ...row,
          start: new Date(payload.start),
          startVersion: payload.startVersion,
          dueAt: decision.dueAt,
          status: decision.status,
          reason: decision.status === 'cancelled' ? row.reason : decision.reason,
          firedAt: decision.status === 'cancelled' ? row.firedAt : null,
          statusChangedAt: decision.status === 'cancelled' ? row.statusChangedAt : occurredAt,
        };
        this.track(row, next, state, changed, changes, key);
        if (next.status === 'skipped') {
          this.logger.info(
            { eventId: next.eventId, reminderId: next.id, configKey: next.configKey, dueAt: next.dueAt, reason: next.reason },
            'moved reminder skipped: due time already past',
          );
        }
      }
    }
    await this.reminders.store(manager, [...changed.values()]);
    return changes;
  }

  /** `EventCancelled`: every scheduled reminder of the event is cancelled and its job removed. */
  async cancel(manager: EntityManager, facts: readonly Fact<Pick<EventStatusChangedPayload, 'eventId'>>[]): Promise<JobChanges> {
    const state = await this.load(
      manager,
      facts.map((fact) => fact.payload.eventId),
    );
    const byEvent = groupByEvent(state);
    const changed = new Map<string, ReminderRow>();
    const changes: JobChanges = { add: [], remove: [] };
    for (const { payload, occurredAt } of facts) {
      for (const key of byEvent.get(payload.eventId) ?? []) {
        const row = state.get(key)!;
        if (!decideCancellation(row, occurredAt).cancel) continue;
        this.track(
          row,
          { ...row, status: 'cancelled', reason: 'the event was cancelled', statusChangedAt: occurredAt },
          state,
          changed,
          changes,
          key,
        );
      }
    }
    await this.reminders.store(manager, [...changed.values()]);
    return changes;
  }

  private async load(manager: EntityManager, eventIds: string[]): Promise<Map<string, ReminderRow>> {
    const rows = await this.reminders.lockByEvents(manager, eventIds);
    return new Map(rows.map((row) => [triggerKey(row.eventId, row.configKey, row.offsetMinutes), row]));
  }

  /** Records a row's new state and the job changes it implies (old job out, new job in). */
  private track(
    before: ReminderRow | null,
    after: ReminderRow,
    state: Map<string, ReminderRow>,
    changed: Map<string, ReminderRow>,
    changes: JobChanges,
    key: string,
  ) {
    const oldJob = before?.status === 'scheduled' ? reminderJobId(before.id, before.startVersion) : null;
    const newJob = after.status === 'scheduled' ? reminderJobId(after.id, after.startVersion) : null;
    if (oldJob && oldJob !== newJob) {
      changes.remove.push(oldJob);
      changes.add = changes.add.filter((job) => job.jobId !== oldJob);
    }
    if (newJob && newJob !== oldJob) {
      changes.remove = changes.remove.filter((jobId) => jobId !== newJob);
      changes.add.push(reminderJob(after, this.config.REMINDER_STAGE_AHEAD_SECONDS * 1000));
    }
    state.set(key, after);
    changed.set(key, after);
  }
}

/**
 * The job of a scheduled reminder. It fires `stageAheadMs` before the due time (at once when that
 * is past): firing stages the reminder (scheduling checks it, notification-dispatch renders and
 * holds it), and notification-dispatch releases it at the due time itself.
 */
export function reminderJob(row: Pick<ReminderRow, 'id' | 'startVersion' | 'dueAt'>, stageAheadMs: number): DelayedJob {
  return {
    name: 'reminder',
    jobId: reminderJobId(row.id, row.startVersion),
    fireAt: new Date(row.dueAt.getTime() - stageAheadMs),
  };
}

function groupByEvent(state: Map<string, ReminderRow>): Map<string, string[]> {
  const byEvent = new Map<string, string[]>();
  for (const [key, row] of state) byEvent.set(row.eventId, [...(byEvent.get(row.eventId) ?? []), key]);
  return byEvent;
}
