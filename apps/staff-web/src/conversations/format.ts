import { formatTime, localDayKey } from '../components/time';

/** A message's time in a list: "10:42 AM" today, "Dec 5" otherwise (the full date is in its `<time dateTime>`). */
export function shortMessageTime(iso: string): string {
  const date = new Date(iso);
  return localDayKey(date) === localDayKey(new Date())
    ? formatTime(iso)
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
