import { Conflict } from '@appointments/domain';

/**
 * A send asked for a given start (a reminder computed from it), and the event's start has
 * moved since: the send is refused and nothing changes. For a reminder this is the normal
 * end of a stale job (reminder-scheduler schedules the one for the new start).
 */
export class StartMoved extends Conflict {
  constructor(expectedStartVersion: number, currentStartVersion: number) {
    super(`The event's start has moved since this send was asked for (start version ${expectedStartVersion}, now ${currentStartVersion})`, {
      reason: 'start_moved',
      expectedStartVersion,
      currentStartVersion,
    });
  }
}
