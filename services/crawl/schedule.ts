import cronParser from 'cron-parser';

/** When a watch runs: every fixed interval, or at the times of a cron pattern in a time zone. */
export type Schedule = { everyMs: number } | { cron: string; timezone: string };

/** A schedule as the API takes it. */
export interface ScheduleRequest {
  /** hourly, daily, weekly, or a count and a unit: 30m, 6h, 2d, 90s. */
  every?: string;
  /** Five fields (minute hour day-of-month month day-of-week), or six with seconds first. */
  cron?: string;
  /** An IANA time zone for cron (default UTC). */
  timezone?: string;
}

const NAMED: Record<string, number> = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Why a schedule cannot be used (a sentence for the 400), or the schedule; runs closer together than minIntervalMs are refused. */
export function parseSchedule(request: ScheduleRequest, minIntervalMs: number): Schedule | string {
  if ((request.every === undefined) === (request.cron === undefined)) return 'give either every or cron';
  if (request.every !== undefined && request.timezone !== undefined) return 'timezone goes with cron, not every';
  if (request.every !== undefined) {
    const match = /^(\d{1,6})(s|m|h|d)$/.exec(request.every);
    const everyMs = NAMED[request.every] ?? (match ? Number(match[1]) * UNITS[match[2]!]! : NaN);
    if (!Number.isFinite(everyMs) || everyMs <= 0) return `every '${request.every}' is not hourly, daily, weekly or a count and a unit (30m, 6h, 2d)`;
    if (everyMs < minIntervalMs) return `every '${request.every}' is shorter than the shortest interval allowed, ${describeMs(minIntervalMs)}`;
    return { everyMs };
  }
  const timezone = request.timezone ?? 'UTC';
  if (!isTimeZone(timezone)) return `timezone '${timezone}' is not an IANA time zone (such as Europe/Berlin)`;
  const cron = request.cron!.trim();
  const fields = cron.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `cron '${cron}' needs five fields (minute hour day month weekday), or six with seconds first`;
  // The closest two runs over a week and a day (every weekly pattern's cycle), from now.
  let gap = Infinity;
  try {
    const interval = cronParser.parseExpression(cron, { tz: timezone, currentDate: new Date(), endDate: new Date(Date.now() + 8 * 86_400_000) });
    for (let previous = interval.next().getTime(), i = 0; interval.hasNext() && i < 20_000 && gap >= minIntervalMs; i++) {
      const next = interval.next().getTime();
      gap = Math.min(gap, next - previous);
      previous = next;
    }
  } catch (error) {
    return `cron '${cron}' is not a valid pattern: ${(error as Error).message}`;
  }
  if (gap < minIntervalMs) return `cron '${cron}' runs more often than the shortest interval allowed, ${describeMs(minIntervalMs)}`;
  return { cron, timezone };
}

/** A schedule as the API shows it. */
export function presentSchedule(schedule: Schedule): { every: string | null; everyMs: number | null; cron: string | null; timezone: string | null } {
  if ('everyMs' in schedule) return { every: describeMs(schedule.everyMs), everyMs: schedule.everyMs, cron: null, timezone: null };
  return { every: null, everyMs: null, cron: schedule.cron, timezone: schedule.timezone };
}

/** An interval in its largest whole unit: 1d, 6h, 90s. */
function describeMs(ms: number): string {
  for (const [unit, size] of Object.entries(UNITS).reverse()) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
