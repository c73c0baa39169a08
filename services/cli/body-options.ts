import { CliError } from './api.js';
import type { FieldNames } from './field-words.js';

/** The options of a parsed command line, by name without the dashes. */
export type Values = Record<string, string | boolean | undefined>;

/** A command-line option that sets a field of a request body. */
interface BodyOption {
  option: string;
  field: string;
  /** `whole`: a count; `negated`: a flag that sets the field to false (--no-robots); `text`: as typed. */
  kind: 'whole' | 'negated' | 'text';
}

/** The options of `blb crawl` and of each run of a watch, as fields of the API's crawl request. */
const CRAWL_OPTIONS: BodyOption[] = [
  { option: 'scope', field: 'scope', kind: 'text' },
  { option: 'depth', field: 'maxDepth', kind: 'whole' },
  { option: 'max-pages', field: 'maxPages', kind: 'whole' },
  { option: 'no-robots', field: 'respectRobots', kind: 'negated' },
];

const crawlFieldNames = (prefix: string): FieldNames => ({
  [`${prefix}seeds`]: 'seed URLs',
  [`${prefix}seeds.*`]: 'seed URL',
  ...Object.fromEntries(CRAWL_OPTIONS.map(({ option, field }) => [`${prefix}${field}`, `--${option}`])),
});

export const CRAWL_FIELD_NAMES = crawlFieldNames('');
export const WATCH_FIELD_NAMES: FieldNames = {
  ...crawlFieldNames('crawl.'),
  name: '--name', paused: '--paused', 'schedule.every': '--every', 'schedule.cron': '--cron', 'schedule.timezone': '--timezone',
};
export const KEY_FIELD_NAMES: FieldNames = { name: 'the key name', accountId: '--account' };

/** The crawl a `blb crawl` or each run of a watch starts, from the seeds and the crawl options. */
export function crawlRequest(seeds: string[], values: Values): Record<string, unknown> {
  const request: Record<string, unknown> = { seeds };
  for (const { option, field, kind } of CRAWL_OPTIONS) {
    const value = values[option];
    if (value === undefined) continue;
    if (kind === 'negated') request[field] = false;
    else if (kind === 'text') request[field] = value;
    else if (typeof value === 'string' && /^\d+$/.test(value)) request[field] = Number(value);
    else throw new CliError(`--${option} must be a whole number, not '${String(value)}'`);
  }
  return request;
}
