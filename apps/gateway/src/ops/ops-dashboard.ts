import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { OPS_DASHBOARD_PATH, OPS_LOGIN_PATH, OpsAccess } from './ops-access';
import { requireOpsAdmin } from './ops-admin.hook';
import { OpsQueues } from './ops-queues';

/**
 * bull-board at `/ops/queues`: every BullMQ queue of the system, with its actions (retry,
 * promote, clean, …) on. Its routes are plain Fastify routes, which Nest guards do not see, so
 * they sit in one Fastify scope whose onRequest hook applies the same rule as the Nest side
 * (`OpsAccess`, `decideOpsAccess`): admins only; a browser without a valid token goes to
 * `/ops/login`, anything else gets 401, a non-admin 403. Called before `app.init()`.
 */
export async function mountOpsDashboard(app: NestFastifyApplication): Promise<void> {
  const access = app.get(OpsAccess);
  const { queues } = app.get(OpsQueues);

  const board = new BullBoardFastifyAdapter();
  board.setBasePath(OPS_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Appointments queues', miscLinks: [{ text: 'Sign out', url: OPS_LOGIN_PATH }] } },
  });

  const scope: FastifyPluginAsync = async (fastify: FastifyInstance) => {
    requireOpsAdmin(fastify, (headers) => access.decide(headers));
    await fastify.register(board.registerPlugin());
  };
  await app.register(scope, { prefix: OPS_DASHBOARD_PATH });
}
