/**
 * `npm start`: starts all five services with their logs prefixed, waits until each is
 * healthy (migrations are applied by each service at start), prints the URLs and the
 * login, and stops them all on Ctrl-C.
 */
import { prettyFactory } from 'pino-pretty';
import { developmentSecrets, webhookSigningToken } from './development-secrets';
import { ROOT, SERVICES, startStack, Stack } from './stack';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const RESET = '\x1b[0m';
const width = Math.max(...SERVICES.map((spec) => spec.name.length));
const useColour = process.stdout.isTTY;

/**
 * The services write JSON lines (pino). On a terminal, outside production, `npm start` shows them
 * readable and coloured (pino-pretty); `LOG_FORMAT=json` or production keeps them as they are.
 */
const pretty =
  process.stdout.isTTY && process.env.NODE_ENV !== 'production' && process.env.LOG_FORMAT !== 'json'
    ? prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true })
    : null;

function readable(line: string): string {
  if (!pretty || !line.startsWith('{')) return line;
  try {
    return pretty(line).trimEnd();
  } catch {
    return line;
  }
}

function prefix(service: string): string {
  const index = SERVICES.findIndex((spec) => spec.name === service);
  const label = service.padEnd(width);
  return useColour ? `${COLOURS[index % COLOURS.length]}${label}${RESET} |` : `${label} |`;
}

async function main() {
  let stack: Stack | undefined;
  let stopping = false;
  let crashed = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping all services...\n');
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const secrets = developmentSecrets(ROOT, process.env);
  const webhookToken = webhookSigningToken(process.env);
  try {
    stack = await startStack({
      env: { ...secrets, ...webhookToken },
      onLine: (service, line) => process.stdout.write(`${prefix(service)} ${readable(line)}\n`),
      // Its lines are on the screen already. Ctrl-C reaches the services too: not a crash then.
      onUnexpectedExit: ({ service, code, signal }) => {
        if (stopping) return;
        process.stderr.write(`${prefix(service)} exited (code ${code}, signal ${signal}); stopping the others\n`);
        crashed = true;
        if (stack) void stop(1); // else once the others are up
      },
    });
  } catch (error) {
    process.stderr.write(`\nCould not start the platform: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write('Are PostgreSQL, RabbitMQ and Redis running? See README.md, "Quick start".\n');
    process.exit(1);
  }
  if (crashed) return stop(1);
  const gateway = stack.gatewayUrl.replace('127.0.0.1', 'localhost');
  const email = process.env.ADMIN_EMAIL ?? 'admin@example.com';
  // Printed only when made here (kept in .local/dev-secrets.json); one the environment sets is the user's own.
  const password = secrets.ADMIN_PASSWORD ?? '(the ADMIN_PASSWORD you set)';
  const lines = [
    '',
    'Appointments platform is up.',
    '',
    `  Staff app               ${gateway}/`,
    `    log in as ${email}, password ${password}`,
    `  Staff API and OpenAPI   ${gateway}/api/docs`,
    `  Provider webhooks       ${stack.url('inbound-response').replace('127.0.0.1', 'localhost')}/webhooks/...`,
    `  Dev outbox              ${gateway}/api/dev/outbox (messages of the local delivery sink)`,
    ...(process.env.TWILIO_ACCOUNT_SID
      ? []
      : [`  Phone simulator         ${gateway}/dev/phone (the local SMS sink's messages; reply as the customer)`]),
    `  RabbitMQ management     http://localhost:15672 (when its management plugin is enabled)`,
    '',
    `  Health: ${stack.services.map((service) => `${service.spec.name} ${service.url}/health`).join(', ')}`,
    '',
    `  The API's login: POST ${gateway}/api/auth/login {"email","password"} (the password is kept in .local/dev-secrets.json)`,
    '',
    'Press Ctrl-C to stop everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

void main();
