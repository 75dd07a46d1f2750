import { InitialScheduling1763700000000 } from './1763700000000-initial-scheduling';
import { SenderAndStopList1763800000000 } from './1763800000000-sender-and-stop-list';
import { EventsRoomForHotUpdates1764100000000 } from './1764100000000-events-room-for-hot-updates';
import { CustomerUpdatedAt1764400000000 } from './1764400000000-customer-updated-at';
import { EventSalesperson1764400000100 } from './1764400000100-event-salesperson';

/** Scheduling's migrations, in order (the service runs them at start; `bench/reminder-floor` builds its tables with them). */
export const SCHEDULING_MIGRATIONS = [
  InitialScheduling1763700000000,
  SenderAndStopList1763800000000,
  EventsRoomForHotUpdates1764100000000,
  CustomerUpdatedAt1764400000000,
  EventSalesperson1764400000100,
];
