import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger: JSON lines, with crawl and job ids added by child loggers; readable lines (pino-pretty)
 * when a person runs the service in a terminal.
 */
export function createLogger(level: string): Logger {
  const options = { level, base: { service: 'blb-prospector' } };
  if (process.stdout.isTTY) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}
