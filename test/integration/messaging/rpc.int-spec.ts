import { RemoteServiceError, ServiceTimeout, ServiceUnavailable } from '@appointments/messaging';
import { ProbeService } from './probe-app';

jest.setTimeout(60_000);

describe('request/response over RabbitMQ', () => {
  let probe: ProbeService;

  beforeAll(async () => {
    probe = await ProbeService.start('msg_rpc');
  });

  afterAll(async () => {
    await probe?.stop();
  });

  it('answers a request with the handler result', async () => {
    await expect(probe.rpc.request('probe', 'probe.echo', { text: 'hello' })).resolves.toEqual({ echoed: 'hello' });
  });

  it('fails fast with ServiceUnavailable when no instance of the service is consuming', async () => {
    const started = Date.now();
    const failure = await probe.rpc.request('absent', 'absent.anything', {}, { timeoutMs: 5_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure).toMatchObject({ code: 'service_unavailable', service: 'absent' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives ServiceTimeout when the handler is slower than the timeout', async () => {
    const failure = await probe.rpc
      .request('probe', 'probe.echo', { text: 'slow', delayMs: 1_500 }, { timeoutMs: 300 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceTimeout);
    expect(failure).toMatchObject({ code: 'service_timeout', service: 'probe', message: 'probe did not answer within 300 ms' });
  });

  it('brings a domain error back as RemoteServiceError with its code and message', async () => {
    const failure = await probe.rpc.request('probe', 'probe.echo', { text: 'p-42', refuse: true }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteServiceError);
    expect(failure).toMatchObject({
      code: 'not_found',
      message: 'probe p-42 was not found',
      service: 'probe',
      details: { entity: 'probe', id: 'p-42' },
    });
  });

  it('answers a request for a pattern the service does not handle with not_found', async () => {
    const failure = await probe.rpc.request('probe', 'probe.unknown', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteServiceError);
    expect(failure).toMatchObject({ code: 'not_found', message: 'no handler for request probe.unknown' });
  });
});
