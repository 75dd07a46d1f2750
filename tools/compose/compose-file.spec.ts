import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { ServiceConfig } from '@appointments/config';

/**
 * docker-compose.yml, checked without a Docker engine (CI has none; docs/decisions.md, "Compose
 * for a machine with only Docker"):
 *  - it is valid against the Compose Specification's JSON schema (tools/compose/compose-spec.schema.json,
 *    the copy `docker compose` itself validates with), after the interpolation compose does, both with
 *    no variable set (what `docker compose --profile infra up` sees on a fresh clone) and with every
 *    secret set (the platform profile with its .env);
 *  - the infra profile is PostgreSQL, RabbitMQ and Redis only, on 127.0.0.1, where libs/config's
 *    default URLs look for them, and shares nothing with the platform profile;
 *  - the platform profile keeps its least privilege: its published ports, and no container of it
 *    starts before every secret is set;
 *  - both run the server versions the tests run on.
 */
const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SCHEMA_FILE = path.join(__dirname, 'compose-spec.schema.json');

/**
 * The servers CI's tests run on: Debian 12's packages (postgresql-15, redis-server 7.0,
 * rabbitmq-server 3.10; .ci/run starts them). Moving these means moving the CI machine's first.
 */
const TESTED_IMAGES = { postgres: 'postgres:15', redis: 'redis:7.0', rabbitmq: 'rabbitmq:3.10-management' } as const;

const INFRA_SERVICES = { 'infra-postgres': 'postgres', 'infra-rabbitmq': 'rabbitmq', 'infra-redis': 'redis' } as const;
const PLATFORM_INFRASTRUCTURE = { postgres: 'postgres', rabbitmq: 'rabbitmq', redis: 'redis' } as const;
const SETTINGS_CHECK = 'required-settings';
/** What the settings check looks at: every variable of its environment with such a name (see its command). */
const SECRET_NAME = /_(PASSWORD|SECRET)$/;

type Environment = Readonly<Record<string, string>>;

interface Service {
  image?: string;
  profiles?: string[];
  ports?: (string | { published?: string | number; host_ip?: string; target?: number })[];
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  environment?: Record<string, string | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  command?: string | string[];
}

interface ComposeModel {
  name?: string;
  services: Record<string, Service>;
  [key: string]: unknown;
}

/**
 * Compose's interpolation (Compose Specification, "Interpolation"): `$$` is a `$`, `${VAR}` and `$VAR` the variable,
 * `${VAR:-default}` / `${VAR-default}` a default, `${VAR:?message}` / `${VAR?message}` an error when unset (or empty),
 * `${VAR:+other}` / `${VAR+other}` a replacement when set. Nested expressions are not used in the file and not supported.
 */
function interpolate(text: string, environment: Environment, where: string): string {
  return text.replace(
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|())/g,
    (_match, dollar?: string, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string, bad?: string) => {
      if (dollar) return '$';
      if (bad !== undefined) throw new Error(`${where}: invalid interpolation in ${JSON.stringify(text)}`);
      const name = (braced ?? bare) as string;
      const value = environment[name];
      const missing = colon ? !value : value === undefined;
      switch (operator) {
        case '-':
          return missing ? (argument ?? '') : (value ?? '');
        case '?':
          if (missing) throw new Error(`${where}: required variable ${name} is missing a value: ${argument ?? ''}`);
          return value ?? '';
        case '+':
          return missing ? '' : (argument ?? '');
        default:
          return value ?? '';
      }
    },
  );
}

function interpolateAll(node: unknown, environment: Environment, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, environment, where);
  if (Array.isArray(node)) return node.map((item, index) => interpolateAll(item, environment, `${where}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, environment, `${where}.${key}`)]));
  }
  return node;
}

const composeText = readFileSync(COMPOSE_FILE, 'utf8');
/** As written (merge keys `<<` resolved, as compose does), before interpolation. */
const written = parse(composeText, { merge: true }) as ComposeModel;
const load = (environment: Environment) => interpolateAll(written, environment, 'docker-compose.yml') as ComposeModel;

/** Every variable the file refers to, by name. */
const referenced = [...new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]))].sort();
const secrets = referenced.filter((name) => SECRET_NAME.test(name));
const everySecretSet: Environment = Object.fromEntries(secrets.map((name) => [name, 'a'.repeat(64)]));

const schemaValidator = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));

function schemaErrors(model: ComposeModel): string[] {
  // compose validates the YAML as JSON would hold it (no undefined, maps with string keys).
  const valid = schemaValidator(JSON.parse(JSON.stringify(model)));
  return valid ? [] : (schemaValidator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

function servicesOf(model: ComposeModel, profile: string): string[] {
  return Object.entries(model.services)
    .filter(([, service]) => (service.profiles ?? []).includes(profile))
    .map(([name]) => name)
    .sort();
}

/** Published ports as `host_ip:published:target` (short syntax only in this file). */
function publishedPorts(service: Service): string[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') throw new Error(`long port syntax is not used in this file: ${JSON.stringify(port)}`);
    return port;
  });
}

function environmentOf(service: Service): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) throw new Error('environment is written as a map in this file');
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value ?? '']));
}

function dependenciesOf(service: Service): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, dependency]) => [name, dependency.condition]));
}

function networksOf(service: Service): string[] {
  const networks = service.networks ?? ['default'];
  return (Array.isArray(networks) ? networks : Object.keys(networks)).sort();
}

describe('docker-compose.yml', () => {
  describe('the Compose Specification schema', () => {
    it('accepts the file with no variable set: `docker compose --profile infra up` on a fresh clone, without a .env', () => {
      expect(schemaErrors(load({}))).toEqual([]);
    });

    it('accepts the file with every secret set (the platform profile with its .env)', () => {
      expect(schemaErrors(load(everySecretSet))).toEqual([]);
    });

    it('rejects what compose rejects: an unknown service key, a profile that is not a list', () => {
      const model = load({});
      const withService = (service: Record<string, unknown>) => ({ ...model, services: { ...model.services, 'infra-redis': service } });
      const redis = model.services['infra-redis'];
      expect(schemaErrors(withService({ ...redis, restartt: 'always' }))).toEqual([
        '/services/infra-redis must NOT have additional properties',
      ]);
      expect(schemaErrors(withService({ ...redis, profiles: 'infra' }))).toContain('/services/infra-redis/profiles must be array');
    });

    it('needs no variable: no ${VAR:?}, which compose would enforce for every profile, since it interpolates before choosing one', () => {
      expect(() => load({})).not.toThrow();
      expect(() => interpolate('${X:?set X}', {}, 'example')).toThrow('required variable X is missing a value');
    });
  });

  describe('profiles', () => {
    let model: ComposeModel;
    beforeAll(() => (model = load({})));

    it('gives every service exactly one profile, infra or platform, so that each profile starts only its own', () => {
      for (const [name, service] of Object.entries(model.services)) {
        expect({ name, profiles: service.profiles }).toEqual({ name, profiles: [expect.stringMatching(/^(infra|platform)$/)] });
      }
    });

    it('infra is PostgreSQL, RabbitMQ and Redis, nothing else', () => {
      expect(servicesOf(model, 'infra')).toEqual(Object.keys(INFRA_SERVICES).sort());
    });

    it('platform is the three servers, the settings check and the five services', () => {
      expect(servicesOf(model, 'platform')).toEqual(
        [
          SETTINGS_CHECK,
          ...Object.keys(PLATFORM_INFRASTRUCTURE),
          'gateway',
          'scheduling',
          'notification-dispatch',
          'inbound-response',
          'reminder-scheduler',
        ].sort(),
      );
    });
  });

  describe('the infra profile, for npm start', () => {
    let model: ComposeModel;
    beforeAll(() => (model = load({})));
    const defaults = new ServiceConfig();
    const hostPort = (url: string, fallback: number) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port || fallback) };
    };

    it('publishes each server on 127.0.0.1 at the port of libs/config default URL, and nothing else', () => {
      const database = hostPort(defaults.DATABASE_URL, 5432);
      const broker = hostPort(defaults.AMQP_URL, 5672);
      const redis = hostPort(defaults.REDIS_URL, 6379);
      expect([database.host, broker.host, redis.host]).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
      expect(publishedPorts(model.services['infra-postgres'])).toEqual([`127.0.0.1:${database.port}:5432`]);
      expect(publishedPorts(model.services['infra-rabbitmq'])).toEqual([`127.0.0.1:${broker.port}:5672`, '127.0.0.1:15672:15672']);
      expect(publishedPorts(model.services['infra-redis'])).toEqual([`127.0.0.1:${redis.port}:6379`]);
    });

    it("uses the default URLs' credentials: postgres without a password (trust), RabbitMQ's guest, Redis without one", () => {
      expect(new URL(defaults.DATABASE_URL)).toMatchObject({ username: 'postgres', password: '' });
      expect(environmentOf(model.services['infra-postgres'])).toEqual({ POSTGRES_HOST_AUTH_METHOD: 'trust' });
      expect(new URL(defaults.AMQP_URL)).toMatchObject({ username: 'guest', password: 'guest' });
      expect(environmentOf(model.services['infra-rabbitmq'])).toEqual({}); // the image's guest/guest
      expect(new URL(defaults.REDIS_URL).password).toBe('');
      expect(JSON.stringify(model.services['infra-redis'].command)).not.toContain('requirepass');
    });

    it('keeps to a network of its own, which no platform container joins', () => {
      for (const name of Object.keys(INFRA_SERVICES)) expect(networksOf(model.services[name])).toEqual(['infra']);
      for (const name of servicesOf(model, 'platform')) expect(networksOf(model.services[name])).not.toContain('infra');
    });
  });

  describe('the platform profile keeps its least privilege', () => {
    let model: ComposeModel;
    beforeAll(() => (model = load(everySecretSet)));

    it('publishes the gateway and inbound-response for the outside, the RabbitMQ management UI on 127.0.0.1, nothing else', () => {
      const published = Object.fromEntries(
        servicesOf(model, 'platform')
          .map((name) => [name, publishedPorts(model.services[name])] as const)
          .filter(([, ports]) => ports.length > 0),
      );
      expect(published).toEqual({ gateway: ['3000:3000'], 'inbound-response': ['3001:3001'], rabbitmq: ['127.0.0.1:15672:15672'] });
    });

    it('starts nothing before the settings check has passed', () => {
      for (const name of servicesOf(model, 'platform').filter((service) => service !== SETTINGS_CHECK)) {
        expect({ name, check: dependenciesOf(model.services[name])[SETTINGS_CHECK] }).toEqual({
          name,
          check: 'service_completed_successfully',
        });
      }
    });

    it('checks every secret the file uses, each without a default', () => {
      const check = environmentOf(written.services[SETTINGS_CHECK]);
      expect(secrets.length).toBeGreaterThanOrEqual(16);
      expect(Object.keys(check).sort()).toEqual(secrets);
      for (const name of secrets) expect(check[name]).toBe(`\${${name}:-}`);
      // Anywhere else a secret appears, it has no default either.
      for (const match of composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?([^}]*)\}/g)) {
        if (SECRET_NAME.test(match[1])) expect({ expression: match[0], default: match[3] }).toEqual({ expression: match[0], default: '' });
      }
    });

    /** The check's command as its container runs it (sh -c), with the environment compose gives it. */
    function runCheck(environment: Environment): { status: number; stderr: string } {
      const service = load(environment).services[SETTINGS_CHECK];
      const [shell, flag, script] = service.command as string[];
      expect([shell, flag]).toEqual(['sh', '-c']);
      const run = spawnSync('sh', ['-c', script], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...environmentOf(service) },
        encoding: 'utf8',
      });
      return { status: run.status ?? -1, stderr: run.stderr };
    }

    it('the check names every secret left empty and fails; with all of them set it passes', () => {
      const { JWT_SECRET: _jwt, REDIS_PASSWORD: _redis, ...allButTwo } = everySecretSet;
      expect(runCheck(allButTwo)).toEqual({
        status: 1,
        stderr: 'set JWT_SECRET (see the top of docker-compose.yml)\nset REDIS_PASSWORD (see the top of docker-compose.yml)\n',
      });
      expect(runCheck({}).stderr.trim().split('\n')).toHaveLength(secrets.length);
      expect(runCheck(everySecretSet)).toEqual({ status: 0, stderr: '' });
    });

    it("the check's container reaches no network", () => {
      expect(load({}).services[SETTINGS_CHECK].network_mode).toBe('none');
    });
  });

  it('runs the server versions the tests run on, in both profiles', () => {
    const model = load({});
    for (const [name, server] of [...Object.entries(INFRA_SERVICES), ...Object.entries(PLATFORM_INFRASTRUCTURE)]) {
      expect({ name, image: model.services[name].image }).toEqual({ name, image: TESTED_IMAGES[server] });
    }
  });
});
