/**
 * What every benchmark run does around its measurement: start the services as real
 * processes in an isolated environment (own database, AMQP namespace, Redis prefix), stop
 * the work on Ctrl-C or a deadline, show the services' last log lines when it fails, stop the
 * services and remove what the run left behind, write the figures as JSON to
 * `bench/results/`, and exit with 0 (figures complete), 1 (figures with errors) or 2 (failed).
 *
 * No `@appointments/*` imports (see support.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolatedEnvironment, IsolatedEnvironment } from '../libs/testing/src/isolated-environment';
import { Stack, startStack, stopProcess } from '../tools/stack/src/stack';
import { cleanUp } from './cleanup';
import { BenchAborted, cpuSecondsByCommand, cpuSecondsOf, Deadline, machineCpu, round1 } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const CLEANUP_GRACE_MS = 45_000;
/** When this run started (the process's start, near enough). */
export const runStartedAt = Date.now();

export function say(message: string) {
  process.stdout.write(`[bench +${((Date.now() - runStartedAt) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

export type LineHandler = (service: string, line: string, stream: 'stdout' | 'stderr') => void;

export interface BenchRun {
  stack: Stack;
  environment: IsolatedEnvironment;
  deadline: Deadline;
  stackStartSeconds: number;
}

export interface BenchmarkOptions {
  /** Names the run's environment and its results file (`bench/results/<name>-<timestamp>.json`). */
  name: string;
  /** The whole run, setup included; cleanup gets up to 45 s more. */
  maxSeconds: number;
  /** Print every service log line as it comes. */
  verbose: boolean;
  /** The first line printed (the knobs). */
  banner: string;
  /** Starts the services; by default all five on free ports with the run's environment and `LOG_LEVEL=warn`. */
  startServices?: (env: Record<string, string>, onLine: LineHandler, startTimeoutMs: number) => Promise<Stack>;
  /** Measures and reports; resolves true when the figures are complete (no errors). */
  measure: (run: BenchRun) => Promise<boolean>;
}

/** Runs one benchmark and exits the process with its outcome. */
export function runBenchmark(options: BenchmarkOptions): void {
  main(options).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(2);
    },
  );
}

async function main(options: BenchmarkOptions): Promise<number> {
  const deadline = new Deadline(runStartedAt + options.maxSeconds * 1000);
  const environment = isolatedEnvironment(`bench_${options.name}`);
  let stack: Stack | undefined;
  let stopping = false;
  let exitCode = 0;

  // The last lines of each service, shown when the run fails (service logs are otherwise discarded).
  const recentLines = new Map<string, string[]>();
  const onLine: LineHandler = (service, line, stream) => {
    if (options.verbose) process.stdout.write(`${service.padEnd(21)} | ${line}\n`);
    const lines = recentLines.get(service) ?? [];
    lines.push(`${stream === 'stderr' ? '!' : ' '} ${line}`);
    if (lines.length > 30) lines.shift();
    recentLines.set(service, lines);
  };

  // Ctrl-C / kill: stop the work, then clean up as on any other failure.
  let interrupts = 0;
  const interrupt = (signal: string) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    say(`${signal}: stopping (once more to quit without cleaning up)`);
    deadline.abort(signal);
  };
  process.on('SIGINT', () => interrupt('SIGINT'));
  process.on('SIGTERM', () => interrupt('SIGTERM'));

  // Last resort: if even the cleanup hangs, kill the services and leave.
  const watchdog = setTimeout(
    () => {
      process.stderr.write('bench: watchdog fired; killing the services and exiting\n');
      for (const service of stack?.services ?? []) service.process.kill('SIGKILL');
      process.exit(3);
    },
    deadline.at + CLEANUP_GRACE_MS - Date.now(),
  );
  watchdog.unref();

  try {
    say(`${options.banner}; run id ${environment.runId}`);
    const stackStartedAt = Date.now();
    const env = { ...environment.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
    const startTimeoutMs = Math.min(90_000, deadline.remainingMs);
    stack = options.startServices
      ? await options.startServices(env, onLine, startTimeoutMs)
      : await startStack({ freePorts: true, env, onLine, startTimeoutMs });
    const stackStartSeconds = (Date.now() - stackStartedAt) / 1000;
    say(`stack healthy in ${stackStartSeconds.toFixed(1)} s (gateway ${stack.gatewayUrl})`);
    for (const service of stack.services) {
      service.process.on('exit', (code, signal) => {
        if (!stopping) deadline.abort(`${service.spec.name} exited (code ${code}, signal ${signal})`);
      });
    }
    exitCode = (await options.measure({ stack, environment, deadline, stackStartSeconds })) ? 0 : 1;
  } catch (error) {
    exitCode = 2;
    const message = error instanceof BenchAborted ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\nbench failed: ${message}\n`);
    for (const [service, lines] of recentLines) {
      process.stderr.write(`\n--- last lines of ${service} ---\n${lines.join('\n')}\n`);
    }
  } finally {
    stopping = true;
    if (stack) {
      say('stopping the stack');
      // One by one in parallel, timed: a service that needs its whole SIGTERM grace (10 s) is worth knowing about.
      await Promise.all(
        stack.services.map(async (service) => {
          const started = Date.now();
          await stopProcess(service.process).catch((error) =>
            process.stderr.write(`bench: stopping ${service.spec.name} failed: ${String(error)}\n`),
          );
          const took = Date.now() - started;
          if (took > 2000)
            say(
              `  ${service.spec.name} took ${(took / 1000).toFixed(1)} s to stop (exit ${service.process.exitCode ?? service.process.signalCode})`,
            );
        }),
      );
    }
    say('dropping the database, the AMQP namespace and the Redis keys');
    const cleanup = await cleanUp(environment);
    say(`cleanup: database ${cleanup.database}; amqp ${cleanup.amqp}; redis ${cleanup.redis}`);
    clearTimeout(watchdog);
  }
  return exitCode;
}

/** The machine a run measured on, for its results file. */
export function machineDescription() {
  return {
    hostname: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: round1(os.totalmem() / 1024 ** 3),
    kernel: os.release(),
    node: process.version,
  };
}

/** Writes a run's figures to `bench/results/<name>-<timestamp>.json` (git-ignored). */
export function writeResult(name: string, result: unknown): void {
  const directory = path.join(ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${name}-${new Date(runStartedAt).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  say(`results written to ${path.relative(ROOT, file)}`);
}

// ---------------------------------------------------------------- CPU accounting

export interface CpuSnapshot {
  at: number;
  machine: ReturnType<typeof machineCpu>;
  services: Record<string, number | null>;
  infrastructure: Record<string, number>;
  benchClient: NodeJS.CpuUsage;
}

export function cpuSnapshot(stack: Stack): CpuSnapshot {
  return {
    at: Date.now(),
    machine: machineCpu(),
    services: Object.fromEntries(stack.services.map((service) => [service.spec.name, cpuSecondsOf(service.process.pid)])),
    infrastructure: cpuSecondsByCommand(['postgres', 'beam.smp', 'redis-server']),
    benchClient: process.cpuUsage(),
  };
}

/**
 * Where the CPU went between two snapshots: per service, per infrastructure process, this
 * client, the machine's busy and steal share, and what other processes on the machine used
 * (a run with much of that is less reliable). `per` divides CPU seconds into ms per unit of work.
 */
export function cpuBetween(stack: Stack, before: CpuSnapshot, after: CpuSnapshot, units: number) {
  const per = (seconds: number) => (units ? round1((seconds * 1000) / units) : null);
  const services = stack.services.map((service) => {
    const from = before.services[service.spec.name];
    const to = after.services[service.spec.name];
    const seconds = from !== null && to !== null ? round1(to - from) : null;
    return {
      name: service.spec.name,
      pid: service.process.pid ?? null,
      cpuSeconds: seconds,
      cpuMsPerUnit: seconds === null ? null : per(seconds),
    };
  });
  const infrastructure = Object.fromEntries(
    Object.keys(after.infrastructure).map((name) => [name, round1(after.infrastructure[name] - (before.infrastructure[name] ?? 0))]),
  );
  const intervalSeconds = (after.at - before.at) / 1000;
  const share = (field: 'busy' | 'steal') =>
    before.machine && after.machine
      ? round1((100 * (after.machine[field] - before.machine[field])) / (after.machine.total - before.machine.total))
      : null;
  const machineBusyPercent = share('busy');
  const client = (after.benchClient.user + after.benchClient.system - before.benchClient.user - before.benchClient.system) / 1e6;
  const ours =
    services.reduce((sum, service) => sum + (service.cpuSeconds ?? 0), 0) +
    Object.values(infrastructure).reduce((sum, seconds) => sum + seconds, 0) +
    client;
  const machineBusySeconds = machineBusyPercent === null ? null : (machineBusyPercent / 100) * os.cpus().length * intervalSeconds;
  return {
    intervalSeconds: round1(intervalSeconds),
    machineBusyPercent,
    machineStealPercent: share('steal'),
    services,
    infrastructureCpuSeconds: infrastructure,
    infrastructureCpuMsPerUnit: Object.fromEntries(Object.entries(infrastructure).map(([name, seconds]) => [name, per(seconds)])),
    benchClientCpuSeconds: round1(client),
    benchClientCpuMsPerUnit: per(client),
    otherProcessesCpuSeconds: machineBusySeconds === null ? null : round1(Math.max(0, machineBusySeconds - ours)),
  };
}
