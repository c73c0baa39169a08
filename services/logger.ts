import { pino, type Logger } from 'pino';

export type { Logger };

/** The one logger: JSON lines, with crawl and job ids added by child loggers. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'blb-prospector' } });
}
