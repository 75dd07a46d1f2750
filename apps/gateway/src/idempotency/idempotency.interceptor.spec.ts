import { BadRequestException, CallHandler, ConflictException, ExecutionContext, UnprocessableEntityException } from '@nestjs/common';
import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from '@appointments/messaging';
import pino from 'pino';
import { from, lastValueFrom, Observable } from 'rxjs';
import { GatewayExceptionFilter } from '../gateway-exception.filter';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { InMemoryIdempotencyKeysRepository } from './idempotency-keys.repository.fake';
import { IdempotencyInterceptor } from './idempotency.interceptor';

interface FakeReply {
  statusCode: number;
  headers: Record<string, string>;
  status(code: number): FakeReply;
  header(name: string, value: string): FakeReply;
}

function call(options: { key?: string; staffId?: string; body?: unknown; url?: string; status?: number }) {
  const request = {
    method: 'POST',
    routeOptions: { url: options.url ?? '/api/customers' },
    headers: options.key === undefined ? {} : { 'idempotency-key': options.key },
    params: {},
    query: {},
    body: options.body ?? { name: 'Ann Lee' },
    staff: { id: options.staffId ?? 'staff-1', email: 'a@example.com', name: 'A', role: 'staff' },
  };
  // Nest sets the route's status before interceptors run.
  const reply: FakeReply = {
    statusCode: options.status ?? 201,
    headers: {},
    status(code) {
      this.statusCode = code;
      return this;
    },
    header(name, value) {
      this.headers[name] = value;
      return this;
    },
  };
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ExecutionContext;
  return { context, reply };
}

describe('IdempotencyInterceptor', () => {
  let keys: InMemoryIdempotencyKeysRepository;
  let interceptor: IdempotencyInterceptor;
  let runs: number;

  beforeEach(() => {
    keys = new InMemoryIdempotencyKeysRepository();
    interceptor = new IdempotencyInterceptor(
      keys as unknown as IdempotencyKeysRepository,
      { jwtSecret: 'a-jwt-secret-for-the-spec' },
      pino({ level: 'silent' }),
    );
    runs = 0;
  });

  /** A route handler that counts its runs and answers (or fails) as told. */
  const handler = (outcome: (run: number) => unknown = (run) => ({ id: `customer-${run}` })): CallHandler => ({
    handle: () => from((async () => outcome(runs++))()),
  });

  async function send(options: Parameters<typeof call>[0], next: CallHandler = handler()) {
    const { context, reply } = call(options);
    try {
      const body = await lastValueFrom((await interceptor.intercept(context, next)) as Observable<unknown>);
      return { status: reply.statusCode, body, replayed: reply.headers['Idempotent-Replayed'] === 'true' };
    } catch (error) {
      return { status: GatewayExceptionFilter.toBody(error).statusCode, error };
    }
  }

  it('without a key, runs the route every time and keeps nothing', async () => {
    await send({});
    await send({});
    expect(runs).toBe(2);
    expect(keys.size).toBe(0);
  });

  it('refuses a malformed key with 400 before the route runs', async () => {
    const answer = await send({ key: 'x'.repeat(256) });
    expect(answer.error).toBeInstanceOf(BadRequestException);
    expect(runs).toBe(0);
  });

  it('replays the first answer to the same key and body, with Idempotent-Replayed, without running the route again', async () => {
    const first = await send({ key: 'k1' });
    const again = await send({ key: 'k1', body: { name: 'Ann Lee' } });
    expect(first).toEqual({ status: 201, body: { id: 'customer-0' }, replayed: false });
    expect(again).toEqual({ status: 201, body: { id: 'customer-0' }, replayed: true });
    expect(runs).toBe(1);
  });

  it('is 422 for the same key with another body or on another route, and runs nothing', async () => {
    await send({ key: 'k1' });
    expect((await send({ key: 'k1', body: { name: 'Bob' } })).error).toBeInstanceOf(UnprocessableEntityException);
    expect((await send({ key: 'k1', url: '/api/templates' })).error).toBeInstanceOf(UnprocessableEntityException);
    expect(runs).toBe(1);
  });

  it("keeps keys per staff user: another user's same key is a request of its own", async () => {
    await send({ key: 'k1', staffId: 'staff-1' });
    const other = await send({ key: 'k1', staffId: 'staff-2', body: { name: 'Bob' } });
    expect(other).toEqual({ status: 201, body: { id: 'customer-1' }, replayed: false });
    expect(runs).toBe(2);
  });

  it('is 409 while the first request with the key is still running', async () => {
    let finish: (value: unknown) => void = () => undefined;
    const slow: CallHandler = { handle: () => from(new Promise((resolve) => ((runs += 1), (finish = resolve)))) };
    const first = send({ key: 'k1' }, slow);
    const second = await send({ key: 'k1' });
    expect(second.error).toBeInstanceOf(ConflictException);
    expect((second.error as ConflictException).message).toBe('A request with this Idempotency-Key is still in progress; try again shortly');
    finish({ id: 'slow' });
    expect(await first).toMatchObject({ status: 201, body: { id: 'slow' } });
    expect(runs).toBe(1);
  });

  it.each([
    ['a refusal of the service (409)', () => new RemoteServiceError('scheduling', { code: 'transition_refused', message: 'Refused' }), 409],
    ['invalid input (400)', () => new BadRequestException(['name must be a string']), 400],
    ['a timeout (504): the service may still have done the work', () => new ServiceTimeout('scheduling', 5000), 504],
  ])('keeps %s and replays it as it was sent', async (_, error, status) => {
    const first = await send(
      { key: 'k1' },
      handler(() => Promise.reject(error())),
    );
    expect(first.status).toBe(status);
    const again = await send({ key: 'k1' });
    expect(again.status).toBe(status);
    expect(again.replayed).toBe(true);
    expect(again.body).toMatchObject({ statusCode: status });
    expect(runs).toBe(1);
  });

  it.each([
    ['a service that is not running (503)', () => new ServiceUnavailable('scheduling', 'it is not running')],
    ['an internal failure (500)', () => new RemoteServiceError('scheduling', { code: 'internal', message: 'boom' })],
    ['an unexpected error (500)', () => new Error('boom')],
  ])('releases the key after %s, so that a retry with it does the work', async (_, error) => {
    const first = await send(
      { key: 'k1' },
      handler(() => Promise.reject(error())),
    );
    expect(first.error).toBeDefined();
    const retry = await send({ key: 'k1' });
    expect(retry).toEqual({ status: 201, body: { id: 'customer-1' }, replayed: false });
    expect(runs).toBe(2);
  });
});
