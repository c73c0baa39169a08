import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeWeb, type FakeWeb, type SeenRequest } from '../test/support/fake-web.js';
import { serveWayback } from '../test/support/wayback-stand-in.js';
import { ARCHIVE_HOST, SEED_HOST, externalPageHtml, generateNicheSite, type NicheSite } from './niche-site.js';

export interface ServedSite {
  site: NicheSite;
  web: FakeWeb;
  /** The JSON host map for the processes the bench starts (see fake-dns.ts). */
  hostsFile: string;
  /** ARCHIVE_URL for the service: the Wayback Machine stand-in on the fake web. */
  archiveUrl: string;
  /** Every request the fake web answered since `mark` (a value of `web.requests.length`). */
  requestsSince(mark: number): SeenRequest[];
  close(): Promise<void>;
}

/**
 * The niche at `scale` on the test suite's fake web (one loopback port, virtual hosts by Host header,
 * every request noted in `web.requests`): the blog and its robots.txt, each live external host with a
 * home page, its alive URLs (200) and its 410s; its 404s are simply absent. Hosts that must not resolve
 * are left out of the host map. The Wayback Machine stand-in has no captures: each archive lookup is one
 * CDX question answered "none", so lookups end at once.
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
  const wayback = serveWayback(web, ARCHIVE_HOST);
  const hostsFile = join(dir, `hosts-${scale}x.json`);
  writeFileSync(hostsFile, JSON.stringify(web.hosts()));
  return {
    site,
    web,
    hostsFile,
    archiveUrl: wayback.baseUrl,
    requestsSince: (mark) => web.requests.slice(mark),
    close: () => web.close(),
  };
}
