import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OpsAccessDecision, OpsRequestHeaders } from './ops-access';

/** Headers of every dashboard response: never cached, never framed (clickjacking of the retry buttons), no referrer across sites. */
const DASHBOARD_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
} as const;

/**
 * The onRequest hook of a Fastify scope whose routes Nest does not guard: every request to one
 * of its routes (the page, its static files, its API) is decided by `decide` (OpsAccess.decide,
 * the rule of the Nest side) before bull-board sees it.
 */
export function requireOpsAdmin(fastify: FastifyInstance, decide: (headers: OpsRequestHeaders) => Promise<OpsAccessDecision>): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(DASHBOARD_HEADERS);
    const decision = await decide(request.headers);
    if (decision.kind === 'allow') return;
    if (decision.kind === 'sign_in') return reply.status(302).header('location', decision.location).send();
    const statusCode = decision.kind === 'forbidden' ? 403 : 401;
    const error = decision.kind === 'forbidden' ? 'Forbidden' : 'Unauthorized';
    return reply.status(statusCode).send({ statusCode, error, message: decision.message, correlationId: correlationIdOf(request) });
  });
}

function correlationIdOf(request: FastifyRequest): string | undefined {
  return (request as unknown as { correlationId?: string }).correlationId;
}
