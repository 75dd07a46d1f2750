import { InitialDispatch1763700000100 } from './1763700000100-initial-dispatch';
import { LandingTokensAndDelivery1763800000100 } from './1763800000100-landing-tokens-and-delivery';
import { InboundConsole1763900000100 } from './1763900000100-inbound-console';
import { NotificationDedupeKey1764000000100 } from './1764000000100-notification-dedupe-key';
import { NotificationsRoomForHotUpdates1764100000100 } from './1764100000100-notifications-room-for-hot-updates';
import { StagedReminders1764200000100 } from './1764200000100-staged-reminders';
import { DeliverySweepIndexes1764300000100 } from './1764300000100-delivery-sweep-indexes';
import { DevOutboxDirection1765700000100 } from './1765700000100-dev-outbox-direction';
import { Conversations1766000000100 } from './1766000000100-conversations';
import { ConversationsOutboundFromConsole1766100000100 } from './1766100000100-conversations-outbound-from-console';

/** notification-dispatch's migrations, in order (the service runs them at start; `bench/reminder-floor` builds its tables with them). */
export const DISPATCH_MIGRATIONS = [
  InitialDispatch1763700000100,
  LandingTokensAndDelivery1763800000100,
  InboundConsole1763900000100,
  NotificationDedupeKey1764000000100,
  NotificationsRoomForHotUpdates1764100000100,
  StagedReminders1764200000100,
  DeliverySweepIndexes1764300000100,
  DevOutboxDirection1765700000100,
  Conversations1766000000100,
  ConversationsOutboundFromConsole1766100000100,
];
