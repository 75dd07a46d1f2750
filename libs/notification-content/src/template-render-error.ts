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

/**
 * Runs `run` and returns its result; when it throws a `TemplateRenderError`, adds that
 * error's problems to `problems` and returns null instead, so a caller can report every
 * problem of a notification at once. Any other error is rethrown.
 */
export function collectProblems<T>(run: () => T, problems: string[]): T | null {
  try {
    return run();
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      problems.push(...error.problems);
      return null;
    }
    throw error;
  }
}
