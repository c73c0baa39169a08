import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeWeb, type FakeWeb, type SeenRequest } from '../test/support/fake-web.js';
import { ARCHIVE_HOST, SEED_HOST, externalPageHtml, generateNicheSite, type NicheSite } from './niche-site.js';

export interface ServedSite {
  site: NicheSite;
  web: FakeWeb;
  /** The JSON host map for the processes the bench starts (see fake-dns.ts). */
  hostsFile: string;
  /** Every request the fake web answered since `mark` (a value of `web.requests.length`). */
  requestsSince(mark: number): SeenRequest[];
  close(): Promise<void>;
}

// What the Wayback Machine answers for a URL it never saw: the service's archive lookups end at once.
const NO_SNAPSHOT = JSON.stringify({ archived_snapshots: {} });

/**
 * The niche at `scale` on the test suite's fake web (one loopback port, virtual hosts by Host header,
 * every request noted in `web.requests`): the blog and its robots.txt, each live external host with a
 * home page, its alive URLs (200) and its 410s; its 404s are simply absent. Hosts that must not resolve
 * are left out of the host map. The archive stand-in answers "no snapshot".
 */
export async function serveNicheSite(scale: number, dir: string): Promise<ServedSite> {
  const web = await startFakeWeb({});
  const site = generateNicheSite(scale, web.url);
  web.setRoute(SEED_HOST, '/robots.txt', { headers: { 'content-type': 'text/plain' }, body: site.robotsTxt });
  for (const page of site.pages) web.setRoute(SEED_HOST, page.path, { body: page.html });
  for (const host of site.liveExternalHosts) {
    web.setRoute(host, '/', { body: `<!doctype html><html><head><title>${host}</title></head><body><h1>${host}</h1></body></html>` });
  }
  for (const target of site.externalTargets) {
    if (target.fate === 'alive') web.setRoute(target.host, target.path, { body: externalPageHtml(target) });
    if (target.fate === 'gone') web.setRoute(target.host, target.path, { status: 410, body: '<title>Gone</title>' });
  }
  web.setRoute(ARCHIVE_HOST, '/wayback/available', { headers: { 'content-type': 'application/json' }, body: NO_SNAPSHOT });
  const hostsFile = join(dir, `hosts-${scale}x.json`);
  writeFileSync(hostsFile, JSON.stringify(web.hosts()));
  return {
    site,
    web,
    hostsFile,
    requestsSince: (mark) => web.requests.slice(mark),
    close: () => web.close(),
  };
}
