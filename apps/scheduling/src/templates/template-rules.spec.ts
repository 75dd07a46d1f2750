import type { CreateTemplateDto } from '@appointments/contracts';
import { findTemplateProblems } from './template-rules';

const buttons = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };
const confirmation = {
  key: 'confirmation',
  type: 'confirmation' as const,
  channelMode: 'both' as const,
  emailSubject: 'Hello {{customerName}}',
  emailBody: '<p>See you on {{date}}</p>',
  smsBody: 'See you on {{date}}',
  buttons,
};
const reminder = { ...confirmation, key: 'reminder-24h', type: 'reminder' as const };

function template(overrides: Partial<CreateTemplateDto> = {}): CreateTemplateDto {
  return {
    name: 'Visit',
    titlePattern: '[{status}] Visit with {customerName}',
    customerTitle: 'Your visit',
    notificationConfigs: [confirmation, reminder],
    reminderTriggers: [{ configKey: 'reminder-24h', offsetMinutes: 1440 }],
    ...overrides,
  } as CreateTemplateDto;
}

describe('findTemplateProblems', () => {
  it('accepts a consistent template', () => {
    expect(findTemplateProblems(template())).toEqual([]);
  });

  it.each<[string, Partial<CreateTemplateDto>, string]>([
    ['an unknown title placeholder', { titlePattern: '{state} visit' }, 'titlePattern: unknown placeholder {state}'],
    [
      'a config key used twice',
      { notificationConfigs: [confirmation, { ...confirmation }], reminderTriggers: [] },
      'notificationConfigs[1].key: "confirmation" is used twice',
    ],
    [
      'an email config without a subject',
      { notificationConfigs: [{ ...confirmation, channelMode: 'email', emailSubject: undefined }], reminderTriggers: [] },
      'notificationConfigs[0].emailSubject: required when channelMode is email',
    ],
    [
      'an SMS config without a text',
      { notificationConfigs: [{ ...confirmation, channelMode: 'sms', smsBody: undefined }], reminderTriggers: [] },
      'notificationConfigs[0].smsBody: required when channelMode is sms',
    ],
    [
      'an unknown placeholder in a body',
      { notificationConfigs: [{ ...confirmation, emailBody: '{{secret}}' }], reminderTriggers: [] },
      'notificationConfigs[0].emailBody',
    ],
    [
      'unescaped output in a body',
      { notificationConfigs: [{ ...confirmation, emailBody: '{{{customerName}}}' }], reminderTriggers: [] },
      'notificationConfigs[0].emailBody',
    ],
    [
      'a trigger naming a missing config',
      { reminderTriggers: [{ configKey: 'nope', offsetMinutes: 60 }] },
      'reminderTriggers[0].configKey: no notification config has the key "nope"',
    ],
    [
      'a trigger naming a config that is not a reminder',
      { reminderTriggers: [{ configKey: 'confirmation', offsetMinutes: 60 }] },
      'reminderTriggers[0].configKey: "confirmation" is a confirmation config',
    ],
    ['a label for an unknown status', { statusLabels: { accepted: 'OK' } as never }, 'statusLabels.accepted: not a booking status'],
    ['an empty label', { statusLabels: { confirmed: ' ' } }, 'statusLabels.confirmed: must be a text'],
    [
      'a reply code used twice (case-insensitive)',
      {
        notificationConfigs: [
          {
            ...confirmation,
            replyCodes: {
              enabled: true,
              codes: [
                { code: 'Y', action: 'accept' },
                { code: 'y', action: 'decline' },
              ],
            },
          },
        ],
        reminderTriggers: [],
      },
      'notificationConfigs[0].replyCodes.codes[1].code: "y" is used twice',
    ],
    ...['STOP', 'cancel', 'Yes', 'HELP', 'start'].map((keyword): [string, Partial<CreateTemplateDto>, string] => [
      `a carrier keyword (${keyword}) as a reply code`,
      {
        notificationConfigs: [{ ...confirmation, replyCodes: { enabled: true, codes: [{ code: keyword, action: 'decline' }] } }],
        reminderTriggers: [],
      },
      `notificationConfigs[0].replyCodes.codes[0].code: "${keyword}" is a carrier keyword`,
    ]),
  ])('names the field of %s', (_name, overrides, expected) => {
    const problems = findTemplateProblems(template(overrides));
    expect(problems.some((problem) => problem.startsWith(expected) || problem.includes(expected))).toBe(true);
  });
});
