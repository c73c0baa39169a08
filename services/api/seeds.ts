import { badRequest } from '../errors.js';
import type { AddressGuard } from '../http/address-guard.js';
import { normalizeUrl, seedProblem } from '../crawl/urls.js';

// A seed whose name does not resolve quickly is accepted: the crawl will classify it. Only an
// answer that points at a non-public address is refused here.
const SEED_RESOLVE_TIMEOUT_MS = 3_000;

/**
 * Checks and normalizes seed URLs: absolute http(s), no credentials, not on a non-public address.
 * Returns them normalized and deduplicated; throws a 400 naming the first bad seed.
 */
export async function validateSeeds(seeds: string[], guard: AddressGuard): Promise<string[]> {
  seeds.forEach((seed, index) => {
    const problem = seedProblem(seed);
    if (problem) throw badRequest('invalid_seed', `seeds[${index}] '${seed.slice(0, 200)}' ${problem}`);
  });
  const normalized = seeds.map((seed) => normalizeUrl(seed)!);
  const hosts = [...new Set(normalized.map((url) => new URL(url).hostname))];
  const refusals = await Promise.all(hosts.map((host) => blockedReason(guard, host)));
  const refused = refusals.find((reason) => reason !== null);
  if (refused) throw badRequest('seed_blocked_address', refused);
  return [...new Set(normalized)];
}

async function blockedReason(guard: AddressGuard, host: string): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SEED_RESOLVE_TIMEOUT_MS)));
  try {
    return await Promise.race([
      guard.assertHostAllowed(host).then(
        () => null,
        (error: { code?: string; message: string }) =>
          error.code === 'ERR_BLOCKED_ADDRESS' ? `seed ${error.message}` : null,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
