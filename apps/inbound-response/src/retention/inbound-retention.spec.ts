import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { ReplyTargets } from '../sms/reply-targets';
import { InboundRetention } from './inbound-retention';

/** The job with its tables replaced: records what it deleted, and can be told to fail one of them. */
function harness(failing?: 'callbacks' | 'targets') {
  const pruned: string[] = [];
  const dataSource = {
    getRepository: () => ({
      delete: async (where: { receivedAt: unknown }) => {
        if (failing === 'callbacks') throw new Error('database away');
        pruned.push(`callbacks older than ${typeof where.receivedAt}`);
        return { affected: 3 };
      },
    }),
  } as unknown as DataSource;
  const replyTargets = {
    prune: async () => {
      if (failing === 'targets') throw new Error('database away');
      pruned.push('expired reply targets');
      return 2;
    },
  } as unknown as ReplyTargets;
  return { job: new InboundRetention(dataSource, replyTargets, pino({ level: 'silent' })), pruned };
}

describe('InboundRetention: one hourly job for the bookkeeping tables', () => {
  it('prunes the provider callback keys and the expired reply targets', async () => {
    const { job, pruned } = harness();
    await job.prune();
    expect(pruned).toEqual(['callbacks older than object', 'expired reply targets']);
  });

  it.each(['callbacks', 'targets'] as const)('prunes the other table when pruning the %s fails, and does not throw', async (failing) => {
    const { job, pruned } = harness(failing);
    await expect(job.prune()).resolves.toBeUndefined();
    expect(pruned).toHaveLength(1);
  });
});
