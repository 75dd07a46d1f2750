import Handlebars from 'handlebars';

/**
 * Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`,
 * `'`, `` ` `` and `=` (Handlebars' `escapeExpression`, the escaping the email templates
 * use). The one HTML escape of the emails, the follower notices and the landing pages.
 */
export function escapeHtml(value: string): string {
  return Handlebars.escapeExpression(value);
}
