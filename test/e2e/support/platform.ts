import { MessagingNames } from '@appointments/messaging';
import { dropDatabase } from '@appointments/persistence';
import { deleteAmqpNamespace, isolatedEnvironment, IsolatedEnvironment } from '@appointments/testing';
import { startStack, Stack, UnexpectedExit } from '../../../tools/stack/src/stack';

export interface LogLine {
  service: string;
  line: string;
  json: Record<string, unknown> | null;
}

export interface Platform {
  stack: Stack;
  environment: IsolatedEnvironment;
  logs: LogLine[];
  /** Services that exited while nobody asked them to stop; `stop()` fails the suite if any did. */
  crashes: UnexpectedExit[];
  api: StaffApi;
  stop(): Promise<void>;
}

export const SERVICES = ['scheduling', 'notification-dispatch', 'inbound-response', 'reminder-scheduler', 'gateway'];

/** What every test platform runs with: its isolation and secrets (`isolatedEnvironment`), debug logs, short retry delays. */
export function platformEnv(environment: IsolatedEnvironment, env: Record<string, string> = {}): Record<string, string> {
  return { ...environment.env, LOG_LEVEL: 'debug', MESSAGE_RETRY_DELAYS_MS: '200,500', DELIVERY_RETRY_BASE_MS: '100', ...env };
}

/** Keeps each service's log lines (parsed when JSON) for the test to read. */
export function logCollector(logs: LogLine[]) {
  return (service: string, line: string) => {
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(line);
    } catch {
      /* not a JSON line */
    }
    logs.push({ service, line, json });
    if (process.env.E2E_VERBOSE) process.stdout.write(`${service} | ${line}\n`);
  };
}

/** Removes the platform's AMQP namespace and database. */
export async function removeEnvironment(environment: IsolatedEnvironment): Promise<void> {
  await deleteAmqpNamespace(environment.env.AMQP_URL, new MessagingNames(environment.amqpNamespace), SERVICES, 3).catch(() => undefined);
  await dropDatabase(environment.databaseUrl).catch(() => undefined);
}

/**
 * Starts the five services as real processes (built code in dist/) in their own database,
 * AMQP namespace and Redis prefix, on free ports, and logs in as the development admin.
 */
export async function startPlatform(label: string, env: Record<string, string> = {}): Promise<Platform> {
  const environment = isolatedEnvironment(label);
  const logs: LogLine[] = [];
  const crashes: UnexpectedExit[] = [];
  const stack = await startStack({
    freePorts: true,
    env: platformEnv(environment, env),
    onLine: logCollector(logs),
    onUnexpectedExit: (exit) => crashes.push(exit),
  });
  return platformOver(stack, environment, logs, crashes);
}

/**
 * The platform over a started stack: logged in as the development admin. Its `stop()` stops the
 * services, removes the environment, and fails if a service exited while nobody asked it to.
 */
export async function platformOver(
  stack: Stack,
  environment: IsolatedEnvironment,
  logs: LogLine[],
  crashes: UnexpectedExit[],
): Promise<Platform> {
  const api = new StaffApi(stack.gatewayUrl);
  await api.login(environment.admin.email, environment.admin.password);
  return {
    stack,
    environment,
    logs,
    crashes,
    api,
    async stop() {
      await stack.stop();
      await removeEnvironment(environment);
      // A crash would otherwise show only as unrelated timeouts (requests answered 503).
      if (crashes.length > 0) throw new Error(`services exited while the tests ran:\n${crashes.map(describeCrash).join('\n')}`);
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

function describeCrash({ service, code, signal, lastLines }: UnexpectedExit): string {
  return `${service} (code ${code}, signal ${signal}); its last lines:\n${lastLines.join('\n')}`;
}

/** A staff client of the public HTTP contract. */
export class StaffApi {
  private token: string | null = null;

  constructor(readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<ApiResponse> {
    const response = await this.request('POST', '/api/auth/login', { email, password }, { anonymous: true });
    if (response.status === 200) this.token = response.body.accessToken;
    return response;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { anonymous?: boolean; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token && !options.anonymous) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body: unknown) => this.request<T>('POST', path, body);
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
}

export const NO_BUTTONS = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };

export function confirmationTemplate(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Site visit',
    titlePattern: '[{status}] Site visit with {customerName}',
    customerTitle: 'Your Appointment with Acme',
    notificationConfigs: [
      {
        key: 'confirmation',
        type: 'confirmation',
        channelMode: 'follow_preference',
        emailSubject: 'Confirmed: {{customerTitle}} on {{date}}',
        emailBody: '<p>Hello {{customerName}}, we will see you at {{location}} on {{date}} at {{time}} ({{timeZone}}).</p>',
        smsBody: 'Hi {{customerName}}, see you on {{date}} at {{time}}.',
        buttons: NO_BUTTONS,
      },
    ],
    ...overrides,
  };
}
