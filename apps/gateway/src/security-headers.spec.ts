import { loadConfig } from '@appointments/config';
import Fastify from 'fastify';
import helmet from 'helmet';
import inject from 'light-my-request';
import { GatewayConfig } from './gateway.config';
import { addSecurityHeaders, securityHeaders, securityHeaderValues } from './security-headers';

async function headersFor(
  publicBaseUrl: string,
  route: (reply: { header(name: string, value: string): unknown }) => void = () => undefined,
) {
  const app = Fastify();
  addSecurityHeaders(app, securityHeaders(loadConfig(GatewayConfig, { PUBLIC_BASE_URL: publicBaseUrl })));
  app.get('/page', async (_request, reply) => {
    route(reply);
    return { ok: true };
  });
  const answers = [await app.inject({ method: 'GET', url: '/page' }), await app.inject({ method: 'GET', url: '/nowhere' })];
  await app.close();
  return answers.map((answer) => answer.headers);
}

describe('security headers', () => {
  it.each([
    ['http://localhost:3000', undefined],
    ['https://appointments.example.com', 'max-age=31536000; includeSubDomains'],
  ])('served at %s: HSTS %p, and the framing, sniffing and referrer rules, on a route and on a 404', async (publicBaseUrl, hsts) => {
    for (const headers of await headersFor(publicBaseUrl)) {
      expect(headers['strict-transport-security']).toBe(hsts);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
      expect(headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it("lets a route's own header win", async () => {
    const [headers] = await headersFor('http://localhost:3000', (reply) =>
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'"),
    );
    expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it.each(['http://localhost:3000', 'https://appointments.example.com'])(
    'served at %s: every header helmet itself sets on a Node response, with its value',
    async (publicBaseUrl) => {
      const options = securityHeaders(loadConfig(GatewayConfig, { PUBLIC_BASE_URL: publicBaseUrl }));
      const setByHelmet = helmet(options);
      const answer = await inject((request, response) => setByHelmet(request as never, response as never, () => response.end()), {
        method: 'GET',
        url: '/',
      });
      const { date: _date, connection: _connection, 'transfer-encoding': _encoding, ...helmetHeaders } = answer.headers;
      expect(Object.keys(helmetHeaders).length).toBeGreaterThan(5);
      expect(securityHeaderValues(options)).toEqual(helmetHeaders);
      const [onFastify] = await headersFor(publicBaseUrl);
      expect(onFastify).toMatchObject(helmetHeaders);
    },
  );
});
