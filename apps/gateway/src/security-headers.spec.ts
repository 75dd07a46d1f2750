import helmet from '@fastify/helmet';
import { loadConfig } from '@appointments/config';
import Fastify from 'fastify';
import { GatewayConfig } from './gateway.config';
import { securityHeaders } from './security-headers';

async function headersFor(publicBaseUrl: string): Promise<Record<string, unknown>> {
  const app = Fastify();
  await app.register(helmet, securityHeaders(loadConfig(GatewayConfig, { PUBLIC_BASE_URL: publicBaseUrl })));
  app.get('/page', async () => ({ ok: true }));
  const answer = await app.inject({ method: 'GET', url: '/page' });
  await app.close();
  return answer.headers;
}

describe('securityHeaders', () => {
  it.each([
    ['http://localhost:3000', undefined],
    ['https://appointments.example.com', 'max-age=31536000; includeSubDomains'],
  ])('served at %s: HSTS %p, and the framing, sniffing and referrer rules', async (publicBaseUrl, hsts) => {
    const headers = await headersFor(publicBaseUrl);
    expect(headers['strict-transport-security']).toBe(hsts);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');
  });
});
