/**
 * The value as an absolute `http:` or `https:` URL, or null for anything else (relative
 * links, `javascript:`, `data:`, `mailto:`, text that is not a URL). Outer whitespace is
 * ignored. Used for every link this lib puts in front of a customer.
 */
export function readHttpUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}
