import { advanceDeliveryStatus, deliveryStatusFromSendGrid, deliveryStatusFromTwilio } from './delivery-status';
import { DELIVERY_STATUSES, type DeliveryStatus } from './vocabulary';

/** `·`: the report is ignored (the status stays as it is). */
type Cell = DeliveryStatus | '·';

/** The columns of the table below, in the order statuses are reached. */
const INCOMING: DeliveryStatus[] = ['pending', 'sent', 'delivered', 'undelivered', 'failed', 'bounced', 'skipped'];

/**
 * Every current status × incoming status. Rows: the notification's status now; columns: the
 * status a provider reports. A cell is the status afterwards, or `·` when the report is ignored.
 */
// prettier-ignore
const PROGRESSION: [DeliveryStatus, Cell[]][] = [
  //  current        incoming → pending  sent    delivered     undelivered     failed     bounced     skipped
  ['pending',     [             '·',     'sent', 'delivered',  'undelivered',  'failed',  'bounced',  'skipped']],
  ['sent',        [             '·',     '·',    'delivered',  'undelivered',  'failed',  'bounced',  'skipped']],
  ['delivered',   [             '·',     '·',    '·',          '·',            '·',       '·',        '·'      ]],
  ['undelivered', [             '·',     '·',    '·',          '·',            '·',       '·',        '·'      ]],
  ['failed',      [             '·',     '·',    '·',          '·',            '·',       '·',        '·'      ]],
  ['bounced',     [             '·',     '·',    '·',          '·',            '·',       '·',        '·'      ]],
  ['skipped',     [             '·',     '·',    '·',          '·',            '·',       '·',        '·'      ]],
];

describe('advanceDeliveryStatus: a delivery status only moves forward, and a final one never moves', () => {
  it('has a row and a column for every status', () => {
    expect([...INCOMING].sort()).toEqual([...DELIVERY_STATUSES].sort());
    expect(PROGRESSION.map(([current]) => current)).toEqual(INCOMING);
    for (const [, cells] of PROGRESSION) expect(cells).toHaveLength(INCOMING.length);
  });

  const cases = PROGRESSION.flatMap(([current, cells]) =>
    cells.map((cell, column) => ({ current, incoming: INCOMING[column], expected: cell === '·' ? null : cell })),
  );

  it.each(cases)('$current + reported $incoming → $expected', ({ current, incoming, expected }) => {
    expect(advanceDeliveryStatus(current, incoming)).toBe(expected);
  });
});

describe("deliveryStatusFromTwilio: Twilio's MessageStatus in our words", () => {
  // prettier-ignore
  const TWILIO: [string, DeliveryStatus | null][] = [
    // MessageStatus   ours
    ['accepted',       null],           // still on its way: nothing to report
    ['scheduled',      null],
    ['queued',         null],
    ['sending',        null],
    ['sent',           'sent'],
    ['delivered',      'delivered'],
    ['read',           'delivered'],    // WhatsApp/RCS read receipt: it arrived
    ['undelivered',    'undelivered'],
    ['failed',         'failed'],
    ['canceled',       'failed'],       // a scheduled message cancelled before sending
    ['receiving',      null],           // statuses of inbound messages
    ['received',       null],
    ['partially_delivered', null],      // anything we do not know
    ['Delivered',      null],           // Twilio's words are lower case; nothing is guessed
    ['constructor',    null],
    ['',               null],
  ];

  it.each(TWILIO)('%j → %j', (messageStatus, expected) => {
    expect(deliveryStatusFromTwilio(messageStatus)).toBe(expected);
  });
});

describe("deliveryStatusFromSendGrid: SendGrid's event in our words", () => {
  // prettier-ignore
  const SENDGRID: [string, DeliveryStatus | null][] = [
    // event               ours
    ['processed',          'sent'],
    ['deferred',           null],          // SendGrid is still trying
    ['delivered',          'delivered'],
    ['open',               'delivered'],   // it evidently arrived
    ['click',              'delivered'],
    ['bounce',             'bounced'],     // both types, `bounce` and `blocked`
    ['dropped',            'failed'],
    ['spamreport',         null],          // about the recipient, not this message's delivery
    ['unsubscribe',        null],
    ['group_unsubscribe',  null],
    ['group_resubscribe',  null],
    ['machine_opened',     null],          // anything we do not know
    ['toString',           null],
    ['',                   null],
  ];

  it.each(SENDGRID)('%j → %j', (event, expected) => {
    expect(deliveryStatusFromSendGrid(event)).toBe(expected);
  });
});

describe('a provider report never moves a status backwards', () => {
  it('ignores a late Twilio "sent" after "delivered"', () => {
    const afterDelivered = advanceDeliveryStatus('pending', deliveryStatusFromTwilio('delivered')!)!;
    expect(advanceDeliveryStatus(afterDelivered, deliveryStatusFromTwilio('sent')!)).toBeNull();
  });

  it('ignores a SendGrid "processed" that arrives after "open"', () => {
    const afterOpen = advanceDeliveryStatus('sent', deliveryStatusFromSendGrid('open')!)!;
    expect(afterOpen).toBe('delivered');
    expect(advanceDeliveryStatus(afterOpen, deliveryStatusFromSendGrid('processed')!)).toBeNull();
  });
});
