/**
 * The template editor's model: the body of `POST /api/templates` / `PUT /api/templates/:id`
 * (CreateTemplateDto), its defaults, and the API's rules checked in the browser first.
 */
import type { BookingStatus, ChannelMode, CustomerNotificationType, ResponseType } from '@appointments/domain';
import type { TemplateView } from '../../api/types';
import { HEX_COLOUR } from '../../components/validation';

export interface ReplyCode {
  code: string;
  action: ResponseType;
  autoReply?: string;
}

export interface ConfigForm {
  key: string;
  type: CustomerNotificationType;
  channelMode: ChannelMode;
  emailSubject?: string;
  emailBody?: string;
  smsBody?: string;
  buttons: { accept: boolean; decline: boolean; reschedule: boolean; viewDetails: boolean; addToCalendar: boolean };
  buttonColor?: string;
  calendarColor?: string;
  replyCodes?: { enabled: boolean; codes?: ReplyCode[] };
  declineReason?: boolean;
  rescheduleReason?: boolean;
  requireRescheduleConfirmation?: boolean;
  landing?: {
    subtitle?: string;
    ctaText?: string;
    footer?: string;
    statusMessages?: { accept?: string; decline?: string; reschedule?: string };
    buttonLabels?: { accept?: string; decline?: string; reschedule?: string; viewDetails?: string; addToCalendar?: string };
    customCss?: string;
  };
}

export interface TemplateForm {
  name: string;
  titlePattern: string;
  customerTitle: string;
  defaultDurationMinutes?: number;
  defaultLocation?: string;
  statusLabels?: Partial<Record<BookingStatus, string>>;
  notificationConfigs: ConfigForm[];
  reminderTriggers?: { configKey: string; offsetMinutes: number }[];
  followers?: {
    autoFollowOrganizer?: boolean;
    autoFollowSalesperson?: boolean;
    notifyOnAccept?: boolean;
    notifyOnDecline?: boolean;
    notifyOnReschedule?: boolean;
  };
}

export const BODY_PLACEHOLDERS = [
  'customerName',
  'customerTitle',
  'date',
  'time',
  'timeZone',
  'location',
  'duration',
  'organizerName',
  'landingUrl',
] as const;
export const TITLE_PLACEHOLDERS = ['status', 'customerName', 'organizerName', 'customerTitle'] as const;

export const DEFAULT_REPLY_CODES: ReplyCode[] = [
  { code: '1', action: 'accept' },
  { code: '2', action: 'reschedule' },
  { code: '3', action: 'decline' },
];

/** Carrier and provider keywords: never a reply code (domain.md, "Reply codes"). */
const OPT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'START', 'UNSTOP', 'HELP']);

export function newConfig(type: CustomerNotificationType, existing: ConfigForm[]): ConfigForm {
  let key: string = type.replace(/_/g, '-');
  for (let n = 2; existing.some((config) => config.key === key); n++) key = `${type.replace(/_/g, '-')}-${n}`;
  const answerable = type === 'rsvp_request' || type === 'reminder';
  return {
    key,
    type,
    channelMode: 'follow_preference',
    emailSubject: '{{customerTitle}} on {{date}}',
    emailBody: '<p>Hello {{customerName}},</p><p>{{customerTitle}} on {{date}} at {{time}} ({{timeZone}}), {{location}}.</p>',
    smsBody: 'Hi {{customerName}}, {{customerTitle}} on {{date}} at {{time}}. {{landingUrl}}',
    buttons: { accept: answerable, decline: answerable, reschedule: answerable, viewDetails: true, addToCalendar: type !== 'cancellation' },
    replyCodes: { enabled: answerable, codes: answerable ? DEFAULT_REPLY_CODES.map((code) => ({ ...code })) : undefined },
  };
}

export function emptyTemplate(): TemplateForm {
  return {
    name: '',
    titlePattern: '[{status}] Appointment with {customerName}',
    customerTitle: '',
    defaultDurationMinutes: 60,
    notificationConfigs: [newConfig('confirmation', [])],
    reminderTriggers: [],
    followers: { autoFollowOrganizer: true, notifyOnAccept: true, notifyOnDecline: true, notifyOnReschedule: true },
  };
}

export function fromView(view: TemplateView): TemplateForm {
  return {
    name: view.name,
    titlePattern: view.titlePattern,
    customerTitle: view.customerTitle,
    defaultDurationMinutes: view.defaultDurationMinutes ?? undefined,
    defaultLocation: view.defaultLocation ?? undefined,
    statusLabels: view.statusLabels ?? {},
    notificationConfigs: view.notificationConfigs.map((config) => structuredClone(config) as ConfigForm),
    reminderTriggers: view.reminderTriggers.map((trigger) => ({ ...trigger })),
    followers: { ...view.followers },
  };
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

/** The body as the API takes it: empty optional texts left out. */
export function toBody(form: TemplateForm): TemplateForm {
  const prune = <T extends object>(object: T | undefined): T | undefined => {
    if (!object) return undefined;
    const entries = Object.entries(object).filter(([, value]) => value !== undefined && value !== '');
    return entries.length ? (Object.fromEntries(entries) as T) : undefined;
  };
  return {
    name: form.name.trim(),
    titlePattern: form.titlePattern,
    customerTitle: form.customerTitle.trim(),
    ...(form.defaultDurationMinutes !== undefined ? { defaultDurationMinutes: form.defaultDurationMinutes } : {}),
    ...(blankToUndefined(form.defaultLocation) ? { defaultLocation: form.defaultLocation } : {}),
    ...(prune(form.statusLabels) ? { statusLabels: prune(form.statusLabels) } : {}),
    notificationConfigs: form.notificationConfigs.map((config) => {
      const landing = config.landing
        ? prune({
            ...config.landing,
            statusMessages: prune(config.landing.statusMessages),
            buttonLabels: prune(config.landing.buttonLabels),
          })
        : undefined;
      return {
        key: config.key,
        type: config.type,
        channelMode: config.channelMode,
        buttons: config.buttons,
        ...(blankToUndefined(config.emailSubject) !== undefined ? { emailSubject: config.emailSubject } : {}),
        ...(blankToUndefined(config.emailBody) !== undefined ? { emailBody: config.emailBody } : {}),
        ...(blankToUndefined(config.smsBody) !== undefined ? { smsBody: config.smsBody } : {}),
        ...(blankToUndefined(config.buttonColor) ? { buttonColor: config.buttonColor } : {}),
        ...(blankToUndefined(config.calendarColor) ? { calendarColor: config.calendarColor } : {}),
        ...(config.replyCodes ? { replyCodes: config.replyCodes } : {}),
        ...(config.declineReason !== undefined ? { declineReason: config.declineReason } : {}),
        ...(config.rescheduleReason !== undefined ? { rescheduleReason: config.rescheduleReason } : {}),
        ...(config.requireRescheduleConfirmation !== undefined
          ? { requireRescheduleConfirmation: config.requireRescheduleConfirmation }
          : {}),
        ...(landing ? { landing } : {}),
      };
    }),
    reminderTriggers: form.reminderTriggers ?? [],
    followers: form.followers ?? {},
  };
}

/** Errors by dotted path (the API's own paths, e.g. `notificationConfigs.0.buttonColor`). */
export function validateTemplate(form: TemplateForm): Record<string, string> {
  const errors: Record<string, string> = {};
  const max = (path: string, value: string | undefined, limit: number) => {
    if (value && value.length > limit) errors[path] = `At most ${limit} characters`;
  };
  if (!form.name.trim()) errors.name = 'Enter a name';
  max('name', form.name, 200);
  if (!form.titlePattern.trim()) errors.titlePattern = 'Enter the internal title pattern';
  max('titlePattern', form.titlePattern, 300);
  if (!form.customerTitle.trim()) errors.customerTitle = 'Enter the title customers see';
  max('customerTitle', form.customerTitle, 300);
  const duration = form.defaultDurationMinutes;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 5 || duration > 1440))
    errors.defaultDurationMinutes = 'Between 5 and 1440 minutes';
  max('defaultLocation', form.defaultLocation, 500);
  if (form.notificationConfigs.length === 0) errors.notificationConfigs = 'Add at least one notification config';
  const keys = new Set<string>();
  form.notificationConfigs.forEach((config, index) => {
    const at = (field: string) => `notificationConfigs.${index}.${field}`;
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(config.key))
      errors[at('key')] = 'key must be 1-64 lower-case letters, digits, dash or underscore';
    else if (keys.has(config.key)) errors[at('key')] = 'Each config needs its own key';
    keys.add(config.key);
    max(at('emailSubject'), config.emailSubject, 300);
    max(at('emailBody'), config.emailBody, 50000);
    max(at('smsBody'), config.smsBody, 1600);
    if (config.buttonColor && !HEX_COLOUR.test(config.buttonColor))
      errors[at('buttonColor')] = 'buttonColor must be a hex colour such as #2563eb';
    if (config.calendarColor && !HEX_COLOUR.test(config.calendarColor))
      errors[at('calendarColor')] = 'calendarColor must be a hex colour such as #2563eb';
    const codes = config.replyCodes?.codes ?? [];
    if (codes.length > 10) errors[at('replyCodes.codes')] = 'At most 10 reply codes';
    const seen = new Set<string>();
    codes.forEach((code, codeIndex) => {
      const path = at(`replyCodes.codes.${codeIndex}.code`);
      if (!/^[A-Za-z0-9]{1,10}$/.test(code.code)) errors[path] = 'code must be one word of letters or digits (at most 10)';
      else if (OPT_KEYWORDS.has(code.code.toUpperCase()))
        errors[path] = `${code.code.toUpperCase()} is a carrier keyword and cannot be a reply code`;
      else if (seen.has(code.code.toUpperCase())) errors[path] = 'Each code only once';
      seen.add(code.code.toUpperCase());
      max(at(`replyCodes.codes.${codeIndex}.autoReply`), code.autoReply, 1600);
    });
    const landing = config.landing;
    max(at('landing.subtitle'), landing?.subtitle, 300);
    max(at('landing.ctaText'), landing?.ctaText, 300);
    max(at('landing.footer'), landing?.footer, 1000);
    max(at('landing.customCss'), landing?.customCss, 20000);
  });
  (form.reminderTriggers ?? []).forEach((trigger, index) => {
    const at = (field: string) => `reminderTriggers.${index}.${field}`;
    const config = form.notificationConfigs.find((candidate) => candidate.key === trigger.configKey);
    if (!config) errors[at('configKey')] = 'Choose a notification config';
    if (!Number.isInteger(trigger.offsetMinutes) || trigger.offsetMinutes < 1 || trigger.offsetMinutes > 86400)
      errors[at('offsetMinutes')] = 'Between 1 minute and 60 days';
  });
  if ((form.reminderTriggers ?? []).length > 20) errors.reminderTriggers = 'At most 20 reminder triggers';
  return errors;
}
