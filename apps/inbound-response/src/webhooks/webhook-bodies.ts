import formBody from '@fastify/formbody';
import { NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

interface RawBodyRouteConfig {
  rawBody?: true;
  rawBodyLimit?: number;
}

/**
 * Marks a route whose handler receives a JSON body as the exact bytes received (a Buffer,
 * not parsed), up to `limitBytes` instead of the server's limit. For signatures computed
 * over the body byte for byte (SendGrid's event webhook).
 */
export const RawBody = (limitBytes: number) => RouteConfig({ rawBody: true, rawBodyLimit: limitBytes } satisfies RawBodyRouteConfig);

/**
 * How the webhooks' bodies are read, installed before the routes are registered:
 *  - `application/x-www-form-urlencoded` (Twilio) becomes an object holding every field
 *    as received, a repeated field as an array (signatures cover all of them);
 *  - JSON for a `@RawBody()` route stays a Buffer, under the route's own size limit;
 *  - any other JSON is parsed as Fastify does by default.
 */
export async function configureWebhookBodies(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(formBody);
  fastify.addHook('onRoute', (route) => {
    const config = route.config as RawBodyRouteConfig | undefined;
    if (config?.rawBody) route.bodyLimit = config.rawBodyLimit;
  });
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // Through Nest, not Fastify: Nest then leaves body parsing to us at init instead of adding
  // its own form parser, which Fastify would refuse next to @fastify/formbody's.
  app.useBodyParser<RawServerDefault>('application/json', undefined, (request, body, done) => {
    if ((request.routeOptions.config as RawBodyRouteConfig).rawBody) done(null, body);
    // The default parser answers through `done`; its return value carries nothing.
    else void parseJson(request, body as unknown as string, done);
  });
}
