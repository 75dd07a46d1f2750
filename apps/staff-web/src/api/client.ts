/**
 * The one way the app talks to the gateway: same-origin `fetch` with the session cookie.
 *
 *  - Every call other than GET/HEAD carries `X-Requested-With: staff-web` (the gateway's CSRF check).
 *  - A 401 means the session expired: the call waits for the sign-in dialog (shown over the current
 *    screen, which stays mounted) and is then retried once.
 *  - Errors become `ApiError` with the gateway's message and, for a 400, the field errors.
 */
import { requireSignIn } from '../auth/session-expiry';

export interface FieldError {
  /** Dotted path of the field, e.g. `email` or `notificationConfigs.0.buttonColor`. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly fieldErrors: FieldError[],
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message of the first field error whose path is `path` (or ends with `.path`). */
  fieldError(path: string): string | undefined {
    return this.fieldErrors.find((error) => error.path === path || error.path.endsWith(`.${path}`))?.message;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  /** false for the session calls themselves: a 401 there is an answer, not an expired session. */
  retryAfterSignIn?: boolean;
  /** 'text' for HTML previews. */
  responseType?: 'json' | 'text';
  signal?: AbortSignal;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    Accept: options.responseType === 'text' ? 'text/html' : 'application/json',
    ...options.headers,
  };
  if (method !== 'GET') headers['X-Requested-With'] = 'staff-web';
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });

  if (response.status === 401 && options.retryAfterSignIn !== false) {
    await requireSignIn();
    return api<T>(path, { ...options, retryAfterSignIn: false });
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  if (options.responseType === 'text') return (await response.text()) as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const record = (body ?? {}) as { message?: unknown; error?: unknown; errors?: unknown; details?: { errors?: unknown } };
  const message =
    typeof record.message === 'string' && record.message
      ? record.message
      : Array.isArray(record.message)
        ? record.message.join('; ')
        : `${response.status} ${response.statusText || 'request failed'}`;
  const raw = record.errors ?? record.details?.errors ?? (Array.isArray(record.message) ? record.message : []);
  return new ApiError(response.status, message, typeof record.error === 'string' ? record.error : null, toFieldErrors(raw), body);
}

/**
 * The gateway's field errors: class-validator messages that start with the field's path
 * ("email must be a valid email address", "notificationConfigs.0.buttonColor must be …"),
 * or `{field|path|property, message}` objects.
 */
export function toFieldErrors(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): FieldError[] => {
    if (typeof entry === 'string') {
      const match = /^([\w.[\]-]+)\s+(.*)$/.exec(entry);
      if (!match) return [];
      const path = dedupePath(match[1].replace(/\[(\d+)\]/g, '.$1'));
      return [{ path, message: `${lastSegment(path)} ${match[2]}` }];
    }
    if (entry && typeof entry === 'object') {
      const object = entry as { field?: unknown; path?: unknown; property?: unknown; message?: unknown };
      const path = [object.field, object.path, object.property].find((value) => typeof value === 'string') as string | undefined;
      if (path && typeof object.message === 'string') return [{ path, message: object.message }];
    }
    return [];
  });
}

/** Nest prefixes a nested custom message with its parent: `salesperson.salesperson.email` → `salesperson.email`. */
function dedupePath(path: string): string {
  const parts = path.split('.');
  const out: string[] = [];
  for (const part of parts) if (out[out.length - 1] !== part) out.push(part);
  return out.join('.');
}

function lastSegment(path: string): string {
  return path.split('.').pop() ?? path;
}

/** Every message that no field of the form shows, for an alert above it. */
export function unplacedErrors(error: unknown, placed: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return error instanceof Error ? [error.message] : [];
  const rest = error.fieldErrors.filter((field) => !placed.some((path) => field.path === path || field.path.endsWith(`.${path}`)));
  if (error.fieldErrors.length === 0) return [error.message];
  return rest.map((field) => `${field.path}: ${field.message}`);
}

export const newIdempotencyKey = (): string => crypto.randomUUID();
