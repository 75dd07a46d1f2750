import type { DeliveryStatusChangedPayload } from '@appointments/contracts';

/** One provider report of how a message fared, in our words, ready to be recorded once. */
export interface DeliveryReport {
  /** Names this report at its provider: the same key again is the same report delivered again. */
  callbackKey: string;
  change: DeliveryStatusChangedPayload;
}
