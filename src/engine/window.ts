// Maintenance windows ({start:"22:00", end:"06:00", timezone, days}), including windows that cross midnight.
import { z } from 'zod';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const maintenanceWindowSchema = z.strictObject({
  start: z.string().regex(HHMM, 'expected a time HH:MM (24h)'),
  end: z.string().regex(HHMM, 'expected a time HH:MM (24h)'),
  /** IANA zone name; default UTC. */
  timezone: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'expected an IANA time zone such as Europe/Paris or UTC'),
  /** Days on which the window OPENS (a Fri 22:00-06:00 window includes Sat 03:00); default every day. */
  days: z.array(z.enum(WEEKDAYS)).min(1).optional(),
});
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

function minutes(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`bad time ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday and minute of the day of `now` in `timeZone`. */
export function localTime(now: Date, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const p of f.formatToParts(now)) {
    if (p.type === 'weekday') day = WEEKDAYS.indexOf(p.value.toLowerCase().slice(0, 3) as Weekday);
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

export function inMaintenanceWindow(w: MaintenanceWindow, now: Date): boolean {
  const { day, minute } = localTime(now, w.timezone ?? 'UTC');
  const start = minutes(w.start);
  const end = minutes(w.end);
  const opensOn = (d: number): boolean => !w.days || w.days.includes(WEEKDAYS[((d % 7) + 7) % 7]!);
  if (start === end) return opensOn(day); // a whole day
  if (start < end) return minute >= start && minute < end && opensOn(day);
  // Across midnight: the part after midnight belongs to the window opened the day before.
  if (minute >= start) return opensOn(day);
  if (minute < end) return opensOn(day - 1);
  return false;
}
