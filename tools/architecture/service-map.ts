/**
 * Reads the service map out of the code's own declarations, with the TypeScript compiler API
 * (a program over every app's sources, its libs reached through the workspace path aliases):
 *
 * - a service is an app whose module calls `servicePlatform({ service, persistence: { schema } })`;
 * - it consumes an event for each `@EventPattern(...)`, serves an RPC pattern for each `@MessagePattern(...)`;
 * - it publishes an event for each object literal `{ type: <a DOMAIN_EVENT value>, ... }` (the shape of
 *   `NewDomainEvent`, given to the outbox or `ctx.publish`);
 * - it requests an RPC pattern for each `RpcClient.request(service, pattern, ...)`;
 * - it listens to the per-process feed for each `DomainEventFeed.listen({ types })`;
 * - it uses Redis for each `new Queue(...)` / `new Worker(...)` (bullmq) and `new Redis(...)` (ioredis);
 * - it serves HTTP for each route of a `@Controller(...)` (`@Get`, `@Post`... from @nestjs/common).
 *
 * Names are resolved to their values through the type checker (`DOMAIN_EVENT.EventBooked` has the
 * literal type `'EventBooked'`), or through the declaration for a lookup such as `STATUS_EVENT_OF[type]`.
 * A declaration whose value cannot be told is an error, not a silent gap in the map.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** Where a declaration sits: `apps/x/src/file.ts:Class.method`. */
export type Site = string;

export interface Subscription {
  event: string;
  site: Site;
  /** `@EventPattern(type, HANDLES_BATCHES)`: the handler takes a run of messages at once. */
  batch: boolean;
}

export interface Publication {
  event: string;
  site: Site;
}

export interface RpcHandler {
  pattern: string;
  site: Site;
}

export interface RpcCall {
  service: string;
  pattern: string;
  site: Site;
}

export interface FeedListener {
  events: string[];
  site: Site;
}

export interface RedisUse {
  kind: 'bullmq-queue' | 'bullmq-worker' | 'keys';
  /** The BullMQ queue's name; null for plain keys. */
  queue: string | null;
  site: Site;
}

export interface HttpRoute {
  method: string;
  /** The route's whole path, `/api/events/:id`. */
  path: string;
  /** Its controller's path, `/api/events`. */
  controller: string;
  site: Site;
}

export interface ServiceDeclarations {
  /** The service's name (`SERVICE.x`), which names its queues. */
  name: string;
  /** The app's folder, `apps/<app>`. */
  app: string;
  /** Its PostgreSQL schema. */
  schema: string;
  /** False when it neither publishes nor consumes domain events (no outbox in its schema). */
  domainEvents: boolean;
  consumes: Subscription[];
  publishes: Publication[];
  serves: RpcHandler[];
  requests: RpcCall[];
  feeds: FeedListener[];
  redis: RedisUse[];
  http: HttpRoute[];
}

export interface ServiceMap {
  /** Every domain event name (`DOMAIN_EVENT`), in declaration order. */
  events: string[];
  services: ServiceDeclarations[];
}

const HTTP_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Head', 'Options']);

/**
 * Reads the map of every service under `<root>/apps`. A browser app (its own `index.html`, the
 * staff web app) is static files the gateway serves, not a service: it has no place on the map.
 */
export function readServiceMap(root: string): ServiceMap {
  const appDirs = fs
    .readdirSync(path.join(root, 'apps'), { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        fs.existsSync(path.join(root, 'apps', entry.name, 'src')) &&
        !fs.existsSync(path.join(root, 'apps', entry.name, 'index.html')),
    )
    .map((entry) => `apps/${entry.name}`)
    .sort();
  const filesByApp = new Map(appDirs.map((app) => [app, sourceFiles(path.join(root, app, 'src'))]));
  const program = createProgram(root, [...filesByApp.values()].flat());
  const reader = new DeclarationReader(root, program);
  const services = appDirs.map((app) => reader.readApp(app, filesByApp.get(app)!));
  return { events: reader.domainEvents, services: services.sort((a, b) => compare(a.name, b.name)) };
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function createProgram(root: string, rootNames: string[]): ts.Program {
  const configPath = path.join(root, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return ts.createProgram({ rootNames, options: { ...options, noEmit: true, types: [] } });
}

class DeclarationReader {
  private readonly checker: ts.TypeChecker;
  readonly domainEvents: string[];

  constructor(
    private readonly root: string,
    private readonly program: ts.Program,
  ) {
    this.checker = program.getTypeChecker();
    this.domainEvents = this.readDomainEvents();
  }

  readApp(app: string, files: string[]): ServiceDeclarations {
    const service: Omit<ServiceDeclarations, 'name' | 'schema' | 'domainEvents'> & Partial<ServiceDeclarations> = {
      app,
      consumes: [],
      publishes: [],
      serves: [],
      requests: [],
      feeds: [],
      redis: [],
      http: [],
    };
    for (const file of files) {
      const source = this.program.getSourceFile(file);
      if (!source) throw new Error(`${this.relative(file)} is not in the program`);
      this.visit(source, service);
    }
    if (!service.name || !service.schema) throw new Error(`${app}: no servicePlatform({ service, persistence: { schema } }) found`);
    const byEvent = (a: { event: string; site: string }, b: { event: string; site: string }) =>
      compare(a.event, b.event) || compare(a.site, b.site);
    service.consumes.sort(byEvent);
    service.publishes = unique(service.publishes, (p) => `${p.event} ${p.site}`).sort(byEvent);
    service.serves.sort((a, b) => compare(a.pattern, b.pattern) || compare(a.site, b.site));
    service.requests = unique(service.requests, (r) => `${r.service} ${r.pattern} ${r.site}`).sort(
      (a, b) => compare(a.service, b.service) || compare(a.pattern, b.pattern) || compare(a.site, b.site),
    );
    service.redis = unique(service.redis, (r) => `${r.kind} ${r.queue} ${r.site}`).sort(
      (a, b) => compare(a.site, b.site) || compare(a.kind, b.kind),
    );
    service.http.sort((a, b) => compare(a.path, b.path) || compare(a.method, b.method));
    return service as ServiceDeclarations;
  }

  private visit(node: ts.Node, service: Partial<ServiceDeclarations>): void {
    if (ts.isCallExpression(node)) this.readCall(node, service);
    else if (ts.isObjectLiteralExpression(node)) this.readPublication(node, service);
    else if (ts.isNewExpression(node)) this.readRedis(node, service);
    else if (ts.isClassDeclaration(node)) this.readHttpRoutes(node, service);
    ts.forEachChild(node, (child) => this.visit(child, service));
  }

  private readCall(call: ts.CallExpression, service: Partial<ServiceDeclarations>): void {
    const callee = call.expression;
    if (ts.isIdentifier(callee) && ts.isDecorator(call.parent)) {
      if (callee.text === 'EventPattern') {
        for (const event of this.values(call.arguments[0], 'an @EventPattern')) {
          service.consumes!.push({ event, site: this.site(call), batch: call.arguments[1]?.getText() === 'HANDLES_BATCHES' });
        }
      } else if (callee.text === 'MessagePattern') {
        for (const pattern of this.values(call.arguments[0], 'a @MessagePattern')) service.serves!.push({ pattern, site: this.site(call) });
      }
      return;
    }
    if (ts.isIdentifier(callee) && callee.text === 'servicePlatform') {
      this.readServicePlatform(call, service);
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const receiver = this.checker.getTypeAtLocation(callee.expression).getSymbol()?.getName();
    if (callee.name.text === 'request' && receiver === 'RpcClient') {
      const [target, pattern] = call.arguments;
      service.requests!.push({
        service: this.single(target, 'an RPC request'),
        pattern: this.single(pattern, 'an RPC request'),
        site: this.site(call),
      });
    } else if (callee.name.text === 'listen' && receiver === 'DomainEventFeed') {
      const listener = call.arguments[0];
      const types = listener && ts.isObjectLiteralExpression(listener) ? this.property(listener, 'types') : undefined;
      if (!types) throw new Error(`${this.site(call)}: DomainEventFeed.listen without a literal { types }`);
      service.feeds!.push({ events: [...new Set(this.values(types, 'a feed listener'))].sort(), site: this.site(call) });
    }
  }

  private readServicePlatform(call: ts.CallExpression, service: Partial<ServiceDeclarations>): void {
    const options = call.arguments[0];
    if (!options || !ts.isObjectLiteralExpression(options)) throw new Error(`${this.site(call)}: servicePlatform without literal options`);
    const name = this.property(options, 'service');
    const persistence = this.property(options, 'persistence');
    const schema = persistence && ts.isObjectLiteralExpression(persistence) ? this.property(persistence, 'schema') : undefined;
    if (!name || !schema) throw new Error(`${this.site(call)}: servicePlatform without service or persistence.schema`);
    service.name = this.single(name, 'the service name');
    service.schema = this.single(schema, 'the schema');
    service.domainEvents = this.property(options, 'domainEvents')?.kind !== ts.SyntaxKind.FalseKeyword;
  }

  /** `{ type: DOMAIN_EVENT.X, ... }`: an event recorded for publication. */
  private readPublication(literal: ts.ObjectLiteralExpression, service: Partial<ServiceDeclarations>): void {
    const type = this.property(literal, 'type');
    if (!type) return;
    const inner = skipOuter(type);
    const table = ts.isElementAccessExpression(inner) && this.initializerOf(inner.expression, false) ? inner : undefined;
    const values = table ? this.values(table, 'an event type') : this.literals(inner);
    const events = values.filter((value) => this.domainEvents.includes(value));
    if (events.length === 0) return;
    if (events.length > 1 && !table) {
      throw new Error(
        `${this.site(literal)}: which domain event is "${type.getText()}"? Name it (DOMAIN_EVENT.X) or look it up in a literal table`,
      );
    }
    for (const event of events) service.publishes!.push({ event, site: this.site(literal) });
  }

  private readRedis(expression: ts.NewExpression, service: Partial<ServiceDeclarations>): void {
    if (!ts.isIdentifier(expression.expression)) return;
    const from = importedFrom(expression.getSourceFile(), expression.expression.text);
    const site = this.site(expression);
    if (from === 'bullmq' && (expression.expression.text === 'Queue' || expression.expression.text === 'Worker')) {
      const kind = expression.expression.text === 'Queue' ? 'bullmq-queue' : 'bullmq-worker';
      for (const queue of this.values(expression.arguments?.[0], 'a BullMQ queue name')) service.redis!.push({ kind, queue, site });
    } else if (from === 'ioredis') {
      const owner = site.split(':')[0];
      const bullmqConnection =
        service.redis!.some((use) => use.site.startsWith(`${owner}:`) && use.kind !== 'keys') || usesBullmq(expression.getSourceFile());
      if (!bullmqConnection) service.redis!.push({ kind: 'keys', queue: null, site });
    }
  }

  private readHttpRoutes(declaration: ts.ClassDeclaration, service: Partial<ServiceDeclarations>): void {
    const controller = decoratorCall(declaration, 'Controller');
    if (!controller) return;
    const prefix = controller.arguments[0] ? this.single(controller.arguments[0], 'a controller path') : '';
    const controllerPath = `/${prefix}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
    for (const member of declaration.members) {
      if (!ts.isMethodDeclaration(member)) continue;
      for (const decorator of ts.getDecorators(member) ?? []) {
        const call = decorator.expression;
        if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || !HTTP_METHODS.has(call.expression.text)) continue;
        if (importedFrom(declaration.getSourceFile(), call.expression.text) !== '@nestjs/common') continue;
        const route = call.arguments[0] ? this.single(call.arguments[0], 'a route path') : '';
        const joined = `/${[prefix, route].filter(Boolean).join('/')}`.replace(/\/+/g, '/');
        service.http!.push({
          method: call.expression.text.toUpperCase(),
          path: joined.replace(/(.)\/$/, '$1'),
          controller: controllerPath,
          site: this.site(member),
        });
      }
    }
  }

  /** `DOMAIN_EVENT`'s values, from its declaration in libs/contracts. */
  private readDomainEvents(): string[] {
    const file = this.program.getSourceFile(path.join(this.root, 'libs/contracts/src/domain-events.ts'));
    let events: string[] | undefined;
    file?.forEachChild((statement) => {
      if (!ts.isVariableStatement(statement)) return;
      for (const declaration of statement.declarationList.declarations) {
        if (declaration.name.getText() === 'DOMAIN_EVENT' && declaration.initializer)
          events = this.values(declaration.initializer, 'DOMAIN_EVENT');
      }
    });
    if (!events?.length) throw new Error('DOMAIN_EVENT not found in libs/contracts/src/domain-events.ts');
    return events;
  }

  private property(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
    for (const property of literal.properties) {
      if (property.name?.getText() !== name) continue;
      if (ts.isPropertyAssignment(property)) return property.initializer;
      if (ts.isShorthandPropertyAssignment(property)) return property.name;
    }
    return undefined;
  }

  /** Exactly one string the expression stands for. */
  private single(expression: ts.Expression | undefined, what: string): string {
    const values = this.values(expression, what);
    if (values.length !== 1)
      throw new Error(
        `${expression ? this.site(expression) : 'unknown'}: ${what} is not one known string (${values.join(', ') || 'none'})`,
      );
    return values[0];
  }

  /**
   * The strings an expression stands for: its literal type (`DOMAIN_EVENT.X`, a `const`, a union of
   * literals), every value of a literal table it looks up (`TABLE[key]`), every element of an array
   * (a spread `...OTHER` in it: every element of `OTHER`).
   */
  private values(expression: ts.Expression | undefined, what: string): string[] {
    if (!expression) throw new Error(`${what} without a value`);
    const inner = skipOuter(expression);
    let values: string[] = [];
    if (ts.isArrayLiteralExpression(inner)) values = inner.elements.flatMap((element) => this.values(element, what));
    else if (ts.isSpreadElement(inner)) values = this.values(inner.expression, what);
    else if (ts.isObjectLiteralExpression(inner)) {
      values = inner.properties.flatMap((property) => (ts.isPropertyAssignment(property) ? this.values(property.initializer, what) : []));
    } else if (ts.isElementAccessExpression(inner)) values = this.values(this.initializerOf(inner.expression), what);
    else {
      values = this.literals(inner);
      if (values.length === 0 && (ts.isIdentifier(inner) || ts.isPropertyAccessExpression(inner))) {
        const initializer = this.initializerOf(inner, false);
        if (initializer) values = this.values(initializer, what);
      }
    }
    if (values.length === 0) throw new Error(`${this.site(expression)}: cannot tell the value of ${what} "${expression.getText()}"`);
    return values;
  }

  /** The string literal(s) of an expression's type; empty when it is not made of literals only. */
  private literals(expression: ts.Expression): string[] {
    const type = this.checker.getTypeAtLocation(expression);
    const parts = type.isUnion() ? type.types : [type];
    return parts.every((part) => part.isStringLiteral()) ? parts.map((part) => (part as ts.StringLiteralType).value) : [];
  }

  private initializerOf(expression: ts.Expression, required: true): ts.Expression;
  private initializerOf(expression: ts.Expression, required?: boolean): ts.Expression | undefined;
  private initializerOf(expression: ts.Expression, required = true): ts.Expression | undefined {
    let symbol = this.checker.getSymbolAtLocation(expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    const initializer =
      declaration && (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) ? declaration.initializer : undefined;
    if (!initializer && required) throw new Error(`${this.site(expression)}: "${expression.getText()}" has no literal declaration`);
    return initializer;
  }

  /** `apps/x/src/file.ts:Class.method` (or the function, or the class) around a node. */
  private site(node: ts.Node): Site {
    const names: string[] = [];
    for (let current: ts.Node | undefined = node; current; current = current.parent) {
      if ((ts.isClassDeclaration(current) || ts.isFunctionDeclaration(current)) && current.name) names.unshift(current.name.text);
      else if ((ts.isMethodDeclaration(current) || ts.isGetAccessorDeclaration(current)) && ts.isIdentifier(current.name))
        names.unshift(current.name.text);
      else if (ts.isConstructorDeclaration(current)) names.unshift('constructor');
      else if (ts.isVariableDeclaration(current) && ts.isIdentifier(current.name) && ts.isSourceFile(current.parent.parent.parent))
        names.unshift(current.name.text);
    }
    const file = this.relative(node.getSourceFile().fileName);
    return names.length ? `${file}:${names.join('.')}` : file;
  }

  private relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }
}

function skipOuter(expression: ts.Expression): ts.Expression {
  let inner = expression;
  while (
    ts.isParenthesizedExpression(inner) ||
    ts.isAsExpression(inner) ||
    ts.isSatisfiesExpression(inner) ||
    ts.isNonNullExpression(inner)
  ) {
    inner = inner.expression;
  }
  return inner;
}

function decoratorCall(node: ts.HasDecorators, name: string): ts.CallExpression | undefined {
  for (const decorator of ts.getDecorators(node) ?? []) {
    const call = decorator.expression;
    if (ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === name) return call;
  }
  return undefined;
}

/** The module a file imports `name` from, if it does. */
function importedFrom(source: ts.SourceFile, name: string): string | undefined {
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    const named =
      clause.namedBindings && ts.isNamedImports(clause.namedBindings)
        ? clause.namedBindings.elements.map((element) => element.name.text)
        : [];
    if (clause.name?.text === name || named.includes(name)) return statement.moduleSpecifier.text;
  }
  return undefined;
}

/** Whether a file opens BullMQ queues or workers (its Redis connections are theirs). */
function usesBullmq(source: ts.SourceFile): boolean {
  return source.statements.some(
    (statement) =>
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === 'bullmq' &&
      !statement.importClause?.isTypeOnly,
  );
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Code-unit order, the same on every machine (unlike `localeCompare`). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
