import { addDays } from '../../components/time';

/** How many days the agenda shows, today first. */
export const AGENDA_DAYS = 7;

/** The agenda's request (today and the next days): one place, so that the start-up prefetch and the page ask the same. */
export function agendaFilters(today: Date) {
  return { from: today.toISOString(), to: addDays(today, AGENDA_DAYS).toISOString() };
}
