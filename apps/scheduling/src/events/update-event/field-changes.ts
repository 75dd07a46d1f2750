import type { ChangedField, EventSchedule } from '@appointments/contracts';

/** The editable fields of an event, as compared before and after a change. */
export type FieldValues = EventSchedule;

/**
 * Merges new changes into the fields already waiting for an update: a field keeps the
 * value the customer was last told as its `oldValue`; a field changed back to that value
 * is no longer a change.
 */
export function trackFieldChanges(pending: ChangedField[], changes: ChangedField[]): ChangedField[] {
  const byField = new Map(pending.map((entry) => [entry.field, entry]));
  for (const change of changes) {
    const earlier = byField.get(change.field);
    const oldValue = earlier ? earlier.oldValue : change.oldValue;
    if (oldValue === change.newValue) byField.delete(change.field);
    else byField.set(change.field, { field: change.field, oldValue, newValue: change.newValue, changedAt: change.changedAt });
  }
  return [...byField.values()];
}
