/**
 * The `LIKE`/`ILIKE` pattern that matches values containing `text` as typed: its `%`, `_` and
 * `\` are escaped (PostgreSQL's default escape character), so "50%" finds "50%" and not "500".
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
