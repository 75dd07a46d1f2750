import { trackFieldChanges } from './field-changes';

const at = '2026-01-01T00:00:00.000Z';

describe('trackFieldChanges', () => {
  it.each([
    {
      name: 'records a first change with its old and new value',
      pending: [],
      changes: [{ field: 'location', oldValue: 'A', newValue: 'B', changedAt: at }],
      expected: [{ field: 'location', oldValue: 'A', newValue: 'B' }],
    },
    {
      name: 'keeps the value the customer was told when the field changes again',
      pending: [{ field: 'location', oldValue: 'A', newValue: 'B', changedAt: at }],
      changes: [{ field: 'location', oldValue: 'B', newValue: 'C', changedAt: at }],
      expected: [{ field: 'location', oldValue: 'A', newValue: 'C' }],
    },
    {
      name: 'drops a field changed back to the value the customer was told',
      pending: [{ field: 'location', oldValue: 'A', newValue: 'B', changedAt: at }],
      changes: [{ field: 'location', oldValue: 'B', newValue: 'A', changedAt: at }],
      expected: [],
    },
    {
      name: 'keeps other fields untouched',
      pending: [{ field: 'start', oldValue: 's1', newValue: 's2', changedAt: at }],
      changes: [{ field: 'location', oldValue: null, newValue: 'X', changedAt: at }],
      expected: [
        { field: 'start', oldValue: 's1', newValue: 's2' },
        { field: 'location', oldValue: null, newValue: 'X' },
      ],
    },
  ])('$name', ({ pending, changes, expected }) => {
    const result = trackFieldChanges(pending, changes).map(({ field, oldValue, newValue }) => ({ field, oldValue, newValue }));
    expect(result).toEqual(expected);
  });
});
