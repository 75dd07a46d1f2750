import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * Starts the five services as real processes from `dist/` and waits until each one's
 * `/health` answers 200. Used by `npm start`, the end-to-end tests and the benchmarks.
 */
export interface ServiceSpec {
  name: string;
  entry: string;
  portVariable: string;
  defaultPort: number;
}

export const SERVICES: ServiceSpec[] = [
  { name: 'scheduling', entry: 'apps/scheduling/src/main.js', portVariable: 'SCHEDULING_PORT', defaultPort: 3002 },
  { name: 'notification-dispatch', entry: 'apps/notification-dispatch/src/main.js', portVariable: 'DISPATCH_PORT', defaultPort: 3003 },
  { name: 'inbound-response', entry: 'apps/inbound-response/src/main.js', portVariable: 'INBOUND_PORT', defaultPort: 3001 },
  { name: 'reminder-scheduler', entry: 'apps/reminder-scheduler/src/main.js', portVariable: 'REMINDER_PORT', defaultPort: 3004 },
  { name: 'gateway', entry: 'apps/gateway/src/main.js', portVariable: 'GATEWAY_PORT', defaultPort: 3000 },
];

export interface RunningService {
  spec: ServiceSpec;
  port: number;
  url: string;
  process: ChildProcess;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Pick free ports instead of the defaults (tests and benchmarks run beside a dev stack). */
  freePorts?: boolean;
  onLine?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  startTimeoutMs?: number;
  only?: string[];
  /**
   * Told when a service that was healthy exits while nobody asked it to stop (a crash). By
   * default the stack writes it to stderr with the service's last lines, so that a crash is never
   * silent: the services' own lines may be going to a test's collector only. An exit before the
   * service was healthy is `startStack`'s own error instead.
   */
  onUnexpectedExit?: (exit: UnexpectedExit) => void;
}

export interface UnexpectedExit {
  service: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  lastLines: string[];
}

export class Stack {
  constructor(readonly services: RunningService[]) {}

  url(name: string): string {
    const service = this.services.find((candidate) => candidate.spec.name === name);
    if (!service) throw new Error(`service ${name} is not part of this stack`);
    return service.url;
  }

  get gatewayUrl(): string {
    return this.url('gateway');
  }

  /** Stops one service (SIGTERM, then SIGKILL after a grace period). */
  async stopService(name: string): Promise<void> {
    const service = this.services.find((candidate) => candidate.spec.name === name);
    if (service) await stopProcess(service.process);
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => stopProcess(service.process)));
  }
}

/** The workspace root, whether this runs from source (tests) or from dist/ (npm start). */
export const ROOT = (() => {
  let directory = __dirname;
  while (!existsSync(path.join(directory, 'nx.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('cannot find the workspace root (nx.json)');
    directory = parent;
  }
  return directory;
})();

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const specs = SERVICES.filter((spec) => !options.only || options.only.includes(spec.name));
  const ports = new Map<string, number>();
  for (const spec of specs) {
    const configured = options.env?.[spec.portVariable] ?? process.env[spec.portVariable];
    ports.set(spec.name, options.freePorts ? await freePort() : Number(configured ?? spec.defaultPort));
  }
  const gatewayPort = ports.get('gateway');
  const inboundPort = ports.get('inbound-response');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...(gatewayPort ? { PUBLIC_BASE_URL: `http://localhost:${gatewayPort}` } : {}),
    // Where the gateway's phone simulator posts its replies (inbound-response's real webhook).
    ...(inboundPort ? { INBOUND_RESPONSE_URL: `http://127.0.0.1:${inboundPort}` } : {}),
    ...options.env,
  };
  const running = specs.map((spec) => spawnService(spec, ports.get(spec.name)!, env, options.onLine));
  for (const service of running) watchForCrash(service, options.onUnexpectedExit ?? reportUnexpectedExit);
  const stack = new Stack(running);
  try {
    await Promise.all(running.map((service) => waitHealthy(service, options.startTimeoutMs ?? 60_000)));
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** Runs a service's built entry point with the workspace aliases resolved to dist/. */
function spawnService(spec: ServiceSpec, port: number, env: Record<string, string>, onLine: StackOptions['onLine']): RunningService {
  // STACK_NODE_ARGS: extra node options for the services only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', path.join(ROOT, 'tools/runtime/register-paths.js'), path.join(ROOT, 'dist', spec.entry)],
    {
      env: { ...env, [spec.portVariable]: String(port) },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  forwardLines(child, spec.name, onLine);
  return { spec, port, url: `http://127.0.0.1:${port}`, process: child };
}

const recentLines = new WeakMap<ChildProcess, string[]>();

function forwardLines(child: ChildProcess, name: string, onLine: StackOptions['onLine']) {
  const recent: string[] = [];
  recentLines.set(child, recent);
  for (const stream of ['stdout', 'stderr'] as const) {
    let buffer = '';
    child[stream]!.setEncoding('utf8');
    child[stream]!.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        recent.push(line);
        if (recent.length > 20) recent.shift();
        onLine?.(name, line, stream);
      }
    });
  }
}

async function waitHealthy(service: RunningService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      const tail = (recentLines.get(service.process) ?? []).slice(-5).join('\n');
      throw new Error(`${service.spec.name} exited with code ${service.process.exitCode} before it was healthy. Its last lines:\n${tail}`);
    }
    try {
      const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) {
        healthy.add(service.process);
        return;
      }
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service.spec.name} was not healthy within ${timeoutMs} ms (last: ${last})`);
}

/** Processes the stack was asked to stop: their exit is expected. */
const stopRequested = new WeakSet<ChildProcess>();
/** Processes whose /health answered 200: an exit before that is reported by `waitHealthy`. */
const healthy = new WeakSet<ChildProcess>();

function watchForCrash(service: RunningService, onUnexpectedExit: (exit: UnexpectedExit) => void) {
  service.process.once('exit', (code, signal) => {
    if (stopRequested.has(service.process) || !healthy.has(service.process)) return;
    onUnexpectedExit({ service: service.spec.name, code, signal, lastLines: [...(recentLines.get(service.process) ?? [])] });
  });
}

function reportUnexpectedExit({ service, code, signal, lastLines }: UnexpectedExit) {
  process.stderr.write(
    `[stack] ${service} exited unexpectedly (code ${code}, signal ${signal}); its last lines:\n${lastLines.join('\n')}\n`,
  );
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  stopRequested.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
