/** What an absolute http(s) URL starts with; anything else cannot be one, so it is not handed to the URL parser. */
const HTTP_SCHEME = /^https?:/i;

/**
 * The value as an absolute `http:` or `https:` URL, or null for anything else (relative
 * links, `javascript:`, `data:`, `mailto:`, text that is not a URL). Outer whitespace is
 * ignored. Used for every link this lib puts in front of a customer.
 *
 * A value that does not start with the scheme (a street address in the location field, say)
 * is refused before `new URL`, which would throw for it: the exception cost a landing page
 * about a tenth of its CPU. The check is stricter than the parser, which forgives control
 * characters before and tabs inside the scheme; such values are refused.
 */
export function readHttpUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  const candidate = value.trim();
  if (!HTTP_SCHEME.test(candidate)) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}
