import { InvalidInput } from '@appointments/domain';
import { eventPageCursor } from './event-page-cursor';

describe('eventPageCursor', () => {
  const last = { start: new Date('2027-01-15T19:00:00.000Z'), id: '6f1c5d2e-1111-4000-8000-000000000001' };

  it('reads back what it wrote, url-safe', () => {
    const cursor = eventPageCursor.write(last, 'desc');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(eventPageCursor.read(cursor, 'desc')).toEqual(last);
  });

  it('refuses a cursor of the other order', () => {
    expect(() => eventPageCursor.read(eventPageCursor.write(last, 'asc'), 'desc')).toThrow(/asc order/);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['JSON without the fields', Buffer.from('{}').toString('base64url')],
    ['a bad date', Buffer.from(JSON.stringify({ s: 'soon', i: last.id, o: 'desc' })).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify({ s: last.start.toISOString(), i: "1' OR 1=1", o: 'desc' })).toString('base64url')],
  ])('refuses %s with InvalidInput (400)', (_name, cursor) => {
    expect(() => eventPageCursor.read(cursor, 'desc')).toThrow(InvalidInput);
  });
});
