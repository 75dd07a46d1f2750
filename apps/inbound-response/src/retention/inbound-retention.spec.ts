import type { LandingTokenView } from '@appointments/contracts';
import pino from 'pino';
import type { EntityManager } from 'typeorm';
import { ProviderCallbacksRepository } from '../persistence/provider-callbacks.repository';
import { InMemoryProviderCallbacksRepository } from '../persistence/provider-callbacks.repository.fake';
import { ReplyTargetsRepository } from '../persistence/reply-targets.repository';
import { InMemoryReplyTargetsRepository } from '../persistence/reply-targets.repository.fake';
import { replyTargetRow } from '../sms/reply-targets';
import { InboundRetention } from './inbound-retention';

const DAY_MS = 24 * 60 * 60_000;
const manager = {} as EntityManager;

/** A reply target of the phone that expires at `expiresAt`. */
function target(notificationId: string, expiresAt: Date) {
  const view: LandingTokenView = {
    notificationId,
    eventId: '0b8f3a52-1c1d-4e5f-8a9b-0c1d2e3f4a5b',
    customerId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    channel: 'sms',
    configKey: 'rsvp',
    config: { replyCodes: { enabled: true } } as unknown as LandingTokenView['config'],
    expiresAt: expiresAt.toISOString(),
    createdAt: new Date(expiresAt.getTime() - 14 * DAY_MS).toISOString(),
    phone: '+14155550100',
  };
  return replyTargetRow({ target: view, providerMessageId: null, sentAt: view.createdAt })!;
}

/**
 * The job over in-memory tables holding, now: a callback received eight days ago and one of
 * today; a reply target expired two days ago, one expired an hour ago and one still open.
 */
async function harness() {
  let clock = new Date();
  const now = () => clock;
  const callbacks = new InMemoryProviderCallbacksRepository(now);
  const replyTargets = new InMemoryReplyTargetsRepository(now);
  clock = new Date(clock.getTime() - 8 * DAY_MS);
  await callbacks.recordNew(manager, [{ provider: 'twilio', callbackKey: 'SM1:delivered' }]);
  clock = new Date(clock.getTime() + 8 * DAY_MS);
  await callbacks.recordNew(manager, [{ provider: 'sendgrid', callbackKey: 'event-1' }]);
  await replyTargets.add(manager, [
    target('6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a', new Date(clock.getTime() - 2 * DAY_MS)),
    target('7a2d2e66-9f6d-4a64-8b64-4a6d1f2c3e8b', new Date(clock.getTime() - 60 * 60_000)),
    target('8b3e3f77-0a7e-4b75-9c75-5b7e2a3d4f9c', new Date(clock.getTime() + DAY_MS)),
  ]);
  const job = new InboundRetention(
    callbacks as unknown as ProviderCallbacksRepository,
    replyTargets as unknown as ReplyTargetsRepository,
    pino({ level: 'silent' }),
  );
  return { job, callbacks, replyTargets };
}

describe('InboundRetention: one hourly job for the bookkeeping tables', () => {
  it('prunes the callback keys older than a week and the reply targets expired over a day ago', async () => {
    const { job, callbacks, replyTargets } = await harness();
    await job.prune();
    expect(callbacks.size).toBe(1);
    expect(replyTargets.size).toBe(2);
  });

  it('prunes the reply targets when pruning the callback keys fails, and does not throw', async () => {
    const { job, callbacks, replyTargets } = await harness();
    jest.spyOn(callbacks, 'pruneReceivedBefore').mockRejectedValue(new Error('database away'));
    await expect(job.prune()).resolves.toBeUndefined();
    expect(callbacks.size).toBe(2);
    expect(replyTargets.size).toBe(2);
  });

  it('prunes the callback keys when pruning the reply targets fails, and does not throw', async () => {
    const { job, callbacks, replyTargets } = await harness();
    jest.spyOn(replyTargets, 'pruneExpired').mockRejectedValue(new Error('database away'));
    await expect(job.prune()).resolves.toBeUndefined();
    expect(callbacks.size).toBe(1);
    expect(replyTargets.size).toBe(3);
  });
});
