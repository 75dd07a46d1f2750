import { NotificationContext, placeholderValues } from './placeholders';
import { parseTemplate, renderParts } from './template';

/**
 * Renders an SMS text. SMS is plain text: values are inserted as they are (no HTML
 * escaping: "Smith & Sons" stays "Smith & Sons"), line breaks in the template are kept,
 * and only outer whitespace is trimmed. Throws `TemplateRenderError` for a bad template.
 */
export function renderSms(smsBody: string, ctx: NotificationContext): string {
  const parts = parseTemplate(smsBody, 'smsBody');
  const values = placeholderValues(ctx);
  return renderParts(parts, values, { text: asIs, value: asIs }).trim();
}

const asIs = (value: string): string => value;
