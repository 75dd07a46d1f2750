/**
 * The five services for a benchmark that signs Twilio webhooks itself: inbound-response gets the
 * signing token and its own public URL (the signature covers the URL), the other four start as
 * usual on free ports.
 *
 * No `@appointments/*` imports (see support.ts).
 */
import { freePort, Stack, startStack } from '../tools/stack/src/stack';
import type { LineHandler } from './harness';

export function servicesWithSignedInbound(twilioAuthToken: string) {
  return async (env: Record<string, string>, onLine: LineHandler, startTimeoutMs: number): Promise<Stack> => {
    const inboundPort = await freePort();
    const inbound = await startStack({
      only: ['inbound-response'],
      env: {
        ...env,
        INBOUND_PORT: String(inboundPort),
        PUBLIC_WEBHOOK_BASE_URL: `http://127.0.0.1:${inboundPort}`,
        TWILIO_AUTH_TOKEN: twilioAuthToken,
      },
      onLine,
      startTimeoutMs,
    });
    try {
      const others = await startStack({
        freePorts: true,
        only: ['scheduling', 'notification-dispatch', 'reminder-scheduler', 'gateway'],
        env,
        onLine,
        startTimeoutMs,
      });
      return new Stack([...inbound.services, ...others.services]);
    } catch (error) {
      await inbound.stop();
      throw error;
    }
  };
}
