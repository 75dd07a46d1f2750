/** Client-side mirrors of the API's class-validator rules, so most mistakes are caught before a round trip. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** E.164 after removing spaces, dashes, dots and brackets (the API normalises the same way). */
export function normalisePhone(value: string): string {
  return value.replace(/[\s().-]/g, '');
}

export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

export const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
