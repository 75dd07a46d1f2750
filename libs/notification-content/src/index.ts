export { TemplateRenderError } from './template-render-error';
export { TEMPLATE_PLACEHOLDERS, DEFAULT_LOCALE, placeholderValues } from './placeholders';
export type { NotificationContext, TemplatePlaceholder } from './placeholders';
export { checkTemplateSyntax } from './template';
export { renderEmail, DEFAULT_BUTTON_COLOR } from './email';
export type { ActionButton, EmailContent, RenderEmailOptions } from './email';
export { renderSms } from './sms';
