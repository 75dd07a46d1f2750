import type { CreateTemplateDto } from '@appointments/contracts';
import { BOOKING_STATUSES, findUnknownTitlePlaceholders, InvalidInput, isSmsKeyword, TITLE_PLACEHOLDERS } from '@appointments/domain';
import { checkTemplateSyntax } from '@appointments/notification-content';
import { instanceToPlain } from 'class-transformer';

/** Carrier and provider keywords (protocols.md): a customer sending one opts out, in, or asks for help. */

/**
 * Rules a template must keep beyond the shape of its fields; each problem names the field.
 * Returns an empty list for a valid template.
 */
export function findTemplateProblems(template: CreateTemplateDto): string[] {
  const problems: string[] = [];
  const unknownTitle = findUnknownTitlePlaceholders(template.titlePattern);
  if (unknownTitle.length > 0) {
    problems.push(`titlePattern: unknown placeholder ${unknownTitle.join(', ')} (known: ${TITLE_PLACEHOLDERS.join(', ')})`);
  }
  for (const [status, label] of Object.entries(template.statusLabels ?? {})) {
    if (!(BOOKING_STATUSES as readonly string[]).includes(status)) {
      problems.push(`statusLabels.${status}: not a booking status (known: ${BOOKING_STATUSES.join(', ')})`);
    } else if (typeof label !== 'string' || label.trim() === '' || label.length > 40) {
      problems.push(`statusLabels.${status}: must be a text of 1 to 40 characters`);
    }
  }
  const keys = new Map<string, string>();
  template.notificationConfigs.forEach((config, index) => {
    const at = `notificationConfigs[${index}]`;
    if (keys.has(config.key)) problems.push(`${at}.key: "${config.key}" is used twice`);
    keys.set(config.key, config.type);
    const needsEmail = config.channelMode !== 'sms';
    const needsSms = config.channelMode !== 'email';
    if (needsEmail && !config.emailSubject) problems.push(`${at}.emailSubject: required when channelMode is ${config.channelMode}`);
    if (needsEmail && !config.emailBody) problems.push(`${at}.emailBody: required when channelMode is ${config.channelMode}`);
    if (needsSms && !config.smsBody) problems.push(`${at}.smsBody: required when channelMode is ${config.channelMode}`);
    for (const field of ['emailSubject', 'emailBody', 'smsBody'] as const) {
      const source = config[field];
      if (source) problems.push(...checkTemplateSyntax(source, `${at}.${field}`));
    }
    const codes = config.replyCodes?.codes ?? [];
    const seen = new Set<string>();
    codes.forEach((code, codeIndex) => {
      const normalised = code.code.toLowerCase();
      if (seen.has(normalised)) problems.push(`${at}.replyCodes.codes[${codeIndex}].code: "${code.code}" is used twice`);
      if (isSmsKeyword(code.code)) {
        problems.push(
          `${at}.replyCodes.codes[${codeIndex}].code: "${code.code}" is a carrier keyword (opt-out, opt-in or help) and cannot be a reply code`,
        );
      }
      seen.add(normalised);
      if (code.autoReply) problems.push(...checkTemplateSyntax(code.autoReply, `${at}.replyCodes.codes[${codeIndex}].autoReply`));
    });
  });
  (template.reminderTriggers ?? []).forEach((trigger, index) => {
    const type = keys.get(trigger.configKey);
    const at = `reminderTriggers[${index}].configKey`;
    if (!type) problems.push(`${at}: no notification config has the key "${trigger.configKey}"`);
    else if (type !== 'reminder')
      problems.push(`${at}: "${trigger.configKey}" is a ${type} config; a reminder trigger needs a reminder config`);
  });
  return problems;
}

/** The stored fields of a valid template; a template that breaks a rule is a 400 (`InvalidInput`) listing every problem. */
export function checkedTemplateFields(template: CreateTemplateDto) {
  const problems = findTemplateProblems(template);
  if (problems.length > 0) throw new InvalidInput(problems.join('; '), { errors: problems });
  const plain = instanceToPlain(template) as CreateTemplateDto;
  return {
    name: plain.name,
    titlePattern: plain.titlePattern,
    customerTitle: plain.customerTitle,
    defaultDurationMinutes: plain.defaultDurationMinutes ?? null,
    defaultLocation: plain.defaultLocation ?? null,
    statusLabels: plain.statusLabels ?? {},
    notificationConfigs: plain.notificationConfigs,
    reminderTriggers: plain.reminderTriggers ?? [],
    followers: plain.followers ?? {},
  };
}
