/**
 * Thrown when a notification cannot be rendered from what it was given: a template that
 * breaks the placeholder rules, an event time or time zone that cannot be read, an action
 * button with an unsafe link, a colour that is not a colour.
 *
 * `code` is always `invalid_input` so an exception filter can map it (HTTP 400) without
 * reading the message; `problems` lists every human-readable reason, each prefixed with
 * the field it concerns (`emailBody: …`).
 */
export class TemplateRenderError extends Error {
  readonly code = 'invalid_input' as const;

  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'TemplateRenderError';
  }
}
