import t, { type Test } from 'tap';
import { parseSchedule, presentSchedule, type Schedule } from '../../services/crawl/schedule.js';

// A watch's schedule as the API takes it (parseSchedule) and shows it (presentSchedule). Refusals are the
// sentence of a 400: they are matched by the words that tell the caller what to fix, not verbatim.
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIFTEEN_MINUTES = 15 * MINUTE;

/** The refusal, failing the test when a schedule came back instead. */
function refusal(t: Test, result: Schedule | string): string {
  t.type(result, 'string', 'refused');
  return typeof result === 'string' ? result : '';
}

t.test('named intervals', async (t) => {
  t.same(parseSchedule({ every: 'hourly' }, MINUTE), { everyMs: HOUR });
  t.same(parseSchedule({ every: 'daily' }, MINUTE), { everyMs: DAY });
  t.same(parseSchedule({ every: 'weekly' }, MINUTE), { everyMs: 7 * DAY });
});

t.test('a count and a unit: seconds, minutes, hours, days', async (t) => {
  t.same(parseSchedule({ every: '90s' }, SECOND), { everyMs: 90 * SECOND });
  t.same(parseSchedule({ every: '30m' }, SECOND), { everyMs: 30 * MINUTE });
  t.same(parseSchedule({ every: '6h' }, SECOND), { everyMs: 6 * HOUR });
  t.same(parseSchedule({ every: '2d' }, SECOND), { everyMs: 2 * DAY });
});

t.test('an interval that is neither a name nor a count and a unit is refused, saying what is accepted', async (t) => {
  for (const every of ['5x', '', '0m', 'm', '30 m', '-5m', '1.5h', 'Hourly', 'every day']) {
    const message = refusal(t, parseSchedule({ every }, SECOND));
    t.match(message, `'${every}'`, `${JSON.stringify(every)}: the message quotes what was given`);
    t.match(message, /hourly/, `${JSON.stringify(every)}: names the named intervals`);
    t.match(message, /daily/);
    t.match(message, /weekly/);
    t.match(message, /count and a unit/, `${JSON.stringify(every)}: says a count and a unit works`);
    t.match(message, /30m/, 'with an example');
  }
});

t.test('every and cron: exactly one of them', async (t) => {
  const both = refusal(t, parseSchedule({ every: 'daily', cron: '0 9 * * *' }, MINUTE));
  t.match(both, /either/, 'both given: asks for one');
  t.match(both, /every/);
  t.match(both, /cron/);
  const neither = refusal(t, parseSchedule({}, MINUTE));
  t.match(neither, /either/, 'neither given: asks for one');
  t.match(neither, /every/);
  t.match(neither, /cron/);
  const onlyZone = refusal(t, parseSchedule({ timezone: 'Europe/Berlin' }, MINUTE));
  t.match(onlyZone, /either every or cron/, 'a time zone alone is not a schedule');
});

t.test('a time zone goes with cron, not with every', async (t) => {
  const message = refusal(t, parseSchedule({ every: 'daily', timezone: 'Europe/Berlin' }, MINUTE));
  t.match(message, /timezone/);
  t.match(message, /cron/, 'says the time zone belongs to cron');
  t.match(message, /not every/);
  // Even UTC, the default: the caller is told rather than the zone being silently ignored.
  t.type(parseSchedule({ every: 'daily', timezone: 'UTC' }, MINUTE), 'string');
});

t.test('an interval shorter than the minimum is refused, naming the minimum', async (t) => {
  const message = refusal(t, parseSchedule({ every: '5m' }, FIFTEEN_MINUTES));
  t.match(message, `'5m'`);
  t.match(message, /shorter than the shortest interval allowed/);
  t.match(message, /15m/, 'the minimum in its largest whole unit');
  t.match(refusal(t, parseSchedule({ every: '899s' }, FIFTEEN_MINUTES)), /15m/, 'one second short is short');
  t.match(refusal(t, parseSchedule({ every: 'hourly' }, 2 * HOUR)), /2h/);
  t.match(refusal(t, parseSchedule({ every: '90s' }, 100 * SECOND)), /100s/, 'a minimum of no whole minute in seconds');
  t.same(parseSchedule({ every: '15m' }, FIFTEEN_MINUTES), { everyMs: FIFTEEN_MINUTES }, 'exactly the minimum is allowed');
  t.same(parseSchedule({ every: '900s' }, FIFTEEN_MINUTES), { everyMs: FIFTEEN_MINUTES }, 'in any unit');
  t.same(parseSchedule({ every: 'hourly' }, FIFTEEN_MINUTES), { everyMs: HOUR });
});

t.test('cron in a valid IANA time zone', async (t) => {
  t.same(parseSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }, FIFTEEN_MINUTES), {
    cron: '0 9 * * 1-5',
    timezone: 'Europe/Berlin',
  });
  t.same(parseSchedule({ cron: '30 6 * * *', timezone: 'America/New_York' }, HOUR), { cron: '30 6 * * *', timezone: 'America/New_York' });
  t.same(parseSchedule({ cron: '0 9 * * *' }, HOUR), { cron: '0 9 * * *', timezone: 'UTC' }, 'UTC when no zone is given');
  t.same(parseSchedule({ cron: '  0 9 * * *  ' }, HOUR), { cron: '0 9 * * *', timezone: 'UTC' }, 'surrounding spaces trimmed');
  t.same(parseSchedule({ cron: '*/15 * * * *' }, FIFTEEN_MINUTES), { cron: '*/15 * * * *', timezone: 'UTC' }, 'exactly the minimum');
});

t.test('a time zone that is not an IANA zone is refused, with an example of one', async (t) => {
  const message = refusal(t, parseSchedule({ cron: '0 9 * * *', timezone: 'Mars/Base' }, MINUTE));
  t.match(message, `'Mars/Base'`);
  t.match(message, /IANA time zone/);
  t.match(message, /Europe\/Berlin/, 'with an example');
  t.match(refusal(t, parseSchedule({ cron: '0 9 * * *', timezone: '' }, MINUTE)), /IANA/, 'an empty zone is no zone');
});

t.test('a cron that is not a pattern is refused', async (t) => {
  const words = refusal(t, parseSchedule({ cron: 'not a cron' }, MINUTE));
  t.match(words, `'not a cron'`);
  t.match(words, /five fields/, 'says how many fields a pattern has');
  t.match(words, /minute hour day month weekday/, 'and which');
  t.match(refusal(t, parseSchedule({ cron: '' }, MINUTE)), /five fields/, 'an empty pattern');
  t.match(refusal(t, parseSchedule({ cron: '0 0 9 * * * *' }, MINUTE)), /five fields/, 'seven fields');
  // Five fields, but values no field takes.
  const outOfRange = refusal(t, parseSchedule({ cron: '61 * * * *' }, MINUTE));
  t.match(outOfRange, `'61 * * * *'`);
  t.match(outOfRange, /not a valid pattern/);
  t.match(refusal(t, parseSchedule({ cron: 'a b c d e' }, MINUTE)), /not a valid pattern/);
});

t.test('six fields: seconds first', async (t) => {
  t.same(parseSchedule({ cron: '0 0 9 * * *', timezone: 'Asia/Tokyo' }, HOUR), { cron: '0 0 9 * * *', timezone: 'Asia/Tokyo' });
  t.same(parseSchedule({ cron: '0 */30 * * * *' }, FIFTEEN_MINUTES), { cron: '0 */30 * * * *', timezone: 'UTC' });
  const everySecond = refusal(t, parseSchedule({ cron: '* * * * * *' }, FIFTEEN_MINUTES));
  t.match(everySecond, /runs more often than the shortest interval allowed/, 'every second is too often');
  t.match(everySecond, /15m/);
});

t.test('a cron that fires more often than the minimum is refused, naming the minimum', async (t) => {
  const everyMinute = refusal(t, parseSchedule({ cron: '* * * * *' }, FIFTEEN_MINUTES));
  t.match(everyMinute, `'* * * * *'`);
  t.match(everyMinute, /runs more often than the shortest interval allowed/);
  t.match(everyMinute, /15m/);
  t.match(refusal(t, parseSchedule({ cron: '*/10 * * * *' }, FIFTEEN_MINUTES)), /more often/);
  t.match(refusal(t, parseSchedule({ cron: '0 */6 * * *', timezone: 'Europe/Berlin' }, DAY)), /1d/);
  // Two runs a minute apart once a day: the closest pair counts, wherever the day is now.
  t.match(refusal(t, parseSchedule({ cron: '0,1 9 * * *' }, FIFTEEN_MINUTES)), /more often/);
  t.match(refusal(t, parseSchedule({ cron: '0,1,2 9 * * *' }, FIFTEEN_MINUTES)), /more often/);
});

t.test('a cron whose close runs are not among its next three is still refused', async (t) => {
  // Runs at four hours of the day, six apart but for the last two, one apart. From the current hour
  // the next three are the six-apart ones: a check that looked only that far would miss the one-hour
  // gap (built from the clock so that it does not depend on when the test runs).
  const now = new Date().getUTCHours();
  const hours = [1, 7, 13, 14].map((offset) => (now + offset) % 24);
  const cron = `0 ${hours.join(',')} * * *`;
  t.type(parseSchedule({ cron }, 2 * HOUR), 'string', `${cron} runs an hour apart: refused under a 2h minimum`);
});

t.test('presentSchedule shows an interval in its largest whole unit, and a cron as given', async (t) => {
  t.same(presentSchedule({ everyMs: HOUR }), { every: '1h', everyMs: HOUR, cron: null, timezone: null });
  t.same(presentSchedule({ everyMs: DAY }), { every: '1d', everyMs: DAY, cron: null, timezone: null });
  t.same(presentSchedule({ everyMs: 7 * DAY }), { every: '7d', everyMs: 7 * DAY, cron: null, timezone: null });
  t.same(presentSchedule({ everyMs: 90 * SECOND }), { every: '90s', everyMs: 90 * SECOND, cron: null, timezone: null });
  t.same(presentSchedule({ everyMs: 90 * MINUTE }), { every: '90m', everyMs: 90 * MINUTE, cron: null, timezone: null });
  t.same(presentSchedule({ everyMs: 36 * HOUR }), { every: '36h', everyMs: 36 * HOUR, cron: null, timezone: null });
  t.equal(presentSchedule({ everyMs: 1_500 }).every, '1500ms', 'no whole second: milliseconds');
  t.same(presentSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }), {
    every: null,
    everyMs: null,
    cron: '0 9 * * 1-5',
    timezone: 'Europe/Berlin',
  });
});

t.test('what parseSchedule accepts, presentSchedule shows back in a form parseSchedule accepts again', async (t) => {
  for (const every of ['hourly', 'daily', 'weekly', '90s', '30m', '6h', '2d', '120m']) {
    const schedule = parseSchedule({ every }, SECOND);
    if (typeof schedule === 'string') {
      t.fail(`${every}: ${schedule}`);
      continue;
    }
    const shown = presentSchedule(schedule);
    t.same(parseSchedule({ every: shown.every! }, SECOND), schedule, `${every} -> ${shown.every}`);
  }
  const cron = parseSchedule({ cron: '0 9 * * *', timezone: 'Europe/Berlin' }, HOUR) as Schedule;
  const shown = presentSchedule(cron);
  t.same(parseSchedule({ cron: shown.cron!, timezone: shown.timezone! }, HOUR), cron);
});
