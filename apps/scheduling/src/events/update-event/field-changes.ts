import type { ChangedField } from '@appointments/contracts';

export interface FieldValues {
  start: string;
  end: string;
  timeZone: string;
  location: string | null;
  videoUrl: string | null;
  description: string | null;
}

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
