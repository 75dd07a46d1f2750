import { eventually } from '@appointments/testing';
import { ProbeService } from './probe-app';
jest.setTimeout(60_000);
it('debug', async () => {
  const probe = await ProbeService.start('msg_debug', { LOG_LEVEL: 'debug' });
  try {
    const ids = await probe.commitEvents([{ note: 'a' }]);
    await new Promise((r) => setTimeout(r, 2000));
    console.log(ids, await probe.unpublishedCount(), await probe.effectCounts(), probe.handlerRuns.of(ids[0]));
    console.log(await probe.dataSource.query('select * from probe.outbox'));
    console.log(await probe.dataSource.query('select * from probe.processed_messages'));
  } finally { await probe.stop(); }
});
