import { userInfo } from 'node:os';
import { inCliWords, type FieldNames } from './field-words.js';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

/** A failure the CLI explains to a person and exits on. */
export class CliError extends Error {}

export interface ApiTarget {
  url: string;
  key?: string;
  adminToken?: string;
}

/**
 * Calls the blb-prospector API and turns what can go wrong into sentences: a service that is not
 * running, a refused key, a request the API rejected (its message says what to fix, naming the options
 * the person typed when `fields` says which option set which field of the body).
 */
export async function callApi<T>(
  target: ApiTarget,
  path: string,
  options: { method?: string; body?: unknown; fields?: FieldNames; admin?: boolean; raw?: boolean } = {},
): Promise<T> {
  const token = options.admin ? target.adminToken : target.key;
  if (!token) {
    throw new CliError(options.admin
      ? 'this command needs the admin token: set ADMIN_TOKEN or pass --admin-token'
      : 'no API key: set BLB_API_KEY or pass --key (create one with: blb keys create <name>)');
  }
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        // Admin actions are audited: name the person at the terminal.
        ...(options.admin ? { 'x-admin-actor': `${osUser()} (blb cli)` } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new CliError(`cannot reach blb-prospector at ${target.url} (${why}). Is it running? Start it with: npm start`);
  }
  if (response.status === 401) {
    throw new CliError(options.admin ? 'the admin token was refused' : 'the API key was refused: check BLB_API_KEY or --key');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new CliError(body?.message ? inCliWords(body.message, options.fields ?? {}) : `the service answered ${response.status}`);
  }
  return (options.raw ? response : response.status === 204 ? undefined : await response.json()) as T;
}
