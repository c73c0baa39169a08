#!/usr/bin/env node
// A tiny gardening niche on loopback to try blb-prospector on (README: "Try it on a local test site"):
//
//   node examples/demo-site.mjs            (DEMO_PORT=8081 for another port; Ctrl-C stops it)
//
// Two sites, because only links to another site are checked and become prospects, and the crawler takes a
// registrable domain as a site (for an IP address, the address itself) whatever the port: a gardening blog
// on 127.0.0.1 and a garden shop it links to on 127.0.0.2 (on Linux all of 127.0.0.0/8 is loopback), where
// some pages are alive and some are dead. Plain Node, no dependencies, no build step. Importable too: the
// README's test takes the dead links from `deadLinks()` and compares them with the crawl's prospects.
import { createServer } from 'node:http';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const BLOG_ADDRESS = '127.0.0.1';
export const SHOP_ADDRESS = '127.0.0.2';
export const DEFAULT_PORT = 8080;

const html = (title, body) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${body}\n</body></html>\n`;

const blogNav = '<nav><a href="/">Home</a> · <a href="/about">About</a></nav>';
const blogFooter = '<footer>Green Thumb Notes: a small gardening blog about roses, tomatoes and compost.</footer>';
const post = (title, paragraphs) =>
  html(`${title} | Green Thumb Notes`, `${blogNav}\n<main><article><h1>${title}</h1>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}\n</article></main>\n${blogFooter}`);

/** The blog's pages, by path; `shop(path)` is the shop's URL of a path. */
function blogPages(shop) {
  return {
    '/': html('Green Thumb Notes: gardening for small plots', `${blogNav}
<main><h1>Green Thumb Notes</h1>
<p>Gardening notes from a small plot: pruning roses, raising tomato seedlings and making compost.</p>
<ul>
<li><a href="/posts/pruning-roses">Pruning roses in late winter</a>: which cuts, which tools, and when.</li>
<li><a href="/posts/tomato-seedlings">Raising tomato seedlings</a>: sowing, light and potting on.</li>
<li><a href="/posts/compost-basics">Compost basics</a>: greens, browns, bins and worms.</li>
</ul>
<p>Our tools and seeds come from <a href="${shop('/')}">Greenleaf Garden Supply</a>.</p>
</main>
${blogFooter}`),
    '/about': post('About this gardening blog', [
      'Green Thumb Notes is written on a small plot with a dozen roses, two tomato beds and three compost heaps.',
      'Every post is something we tried in the garden ourselves: pruning, sowing seedlings, turning compost.',
    ]),
    '/posts/pruning-roses': post('Pruning roses in late winter', [
      'Prune roses in late winter, when the buds begin to swell. Cut out dead and crossing stems first, then shorten the strongest canes to an outward-facing bud.',
      `Clean cuts heal fastest: <a href="${shop('/tools/bypass-pruners')}">bypass pruners</a> for green stems, and for old woody canes thicker than a finger <a href="${shop('/tools/anvil-loppers')}">anvil loppers</a>.`,
      'Feed the roses with compost after pruning and mulch the bed to keep the roots moist.',
    ]),
    '/posts/tomato-seedlings': post('Raising tomato seedlings', [
      'Sow tomato seeds indoors six to eight weeks before the last frost, a few millimetres deep, in fine seed compost kept warm and moist.',
      `The seedlings need strong light from the day they come up, or they grow tall and weak; the <a href="${shop('/guides/seed-starting')}">seed-starting guide</a> shows a cheap light shelf.`,
      `Pot the seedlings on when the first true leaves show. Which tomatoes to grow? <a href="${shop('/guides/tomato-varieties')}">Tomato varieties for small gardens</a>.`,
    ]),
    '/posts/compost-basics': post('Compost basics', [
      'Good compost is a mix of greens (kitchen scraps, grass clippings) and browns (dry leaves, cardboard), kept as moist as a wrung-out sponge and turned now and then.',
      `A closed bin keeps the heap warm and tidy: <a href="${shop('/shop/compost-bins')}">compost bins</a>. Worms speed it all up: <a href="${shop('/compost/worm-farms')}">worm farms</a>.`,
      `Woody prunings from the roses compost faster when chopped small with <a href="${shop('/tools/anvil-loppers')}">anvil loppers</a>.`,
    ]),
  };
}

const shopPage = (title, text) =>
  html(`${title} | Greenleaf Garden Supply`, `<nav><a href="/">Greenleaf Garden Supply</a></nav>\n<main><h1>${title}</h1>\n<p>${text}</p></main>`);

/**
 * The shop's pages, by path: each with its status, its body and, when it is dead, the reason the service
 * gives (`not_found`: 404; `gone`: 410; `soft_404`: a 200 whose thin page says "page not found").
 */
function shopPages(blog) {
  const alive = (title, text) => ({ status: 200, body: shopPage(title, text) });
  return {
    '/': alive('Greenleaf Garden Supply', `Tools, seeds and compost for gardeners. Read how our customers use them on <a href="${blog('/')}">Green Thumb Notes</a>.`),
    '/tools/bypass-pruners': alive('Bypass pruners', 'Sharp bypass pruners for clean cuts on green stems up to 20 mm.'),
    '/guides/tomato-varieties': alive('Tomato varieties for small gardens', 'Cherry, bush and cordon tomatoes that crop well in pots and small beds.'),
    '/compost/worm-farms': alive('Worm farms', 'A stacking worm farm turns kitchen scraps into compost and liquid feed.'),
    '/tools/anvil-loppers': { status: 404, reason: 'not_found', body: shopPage('Not found', 'No such product.') },
    '/guides/seed-starting': { status: 410, reason: 'gone', body: shopPage('Gone', 'This guide was withdrawn.') },
    '/shop/compost-bins': { status: 200, reason: 'soft_404', body: shopPage('Page not found', 'Sorry, we could not find that page.') },
  };
}

// Open keep-alive connections too: a crawler holds some, and stopping should not wait for them to idle out.
const closeAll = (servers) =>
  Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections()))).then(() => {});

const urls = (address, port) => (path) => `http://${address}:${port}${path}`;

/**
 * The dead links the blog has, each as the crawl should report it as a prospect: the page that links,
 * the dead URL, why it is dead and the link's text. Read from the pages as served, so it cannot drift.
 */
export function deadLinks(port = DEFAULT_PORT) {
  const blog = urls(BLOG_ADDRESS, port);
  const shop = urls(SHOP_ADDRESS, port);
  const shopPaths = shopPages(blog);
  const links = [];
  for (const [path, body] of Object.entries(blogPages(shop))) {
    for (const [, href, anchorText] of body.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)) {
      if (!href.startsWith(shop('/'))) continue;
      const reason = shopPaths[href.slice(shop('').length)]?.reason;
      if (reason) links.push({ sourceUrl: blog(path), deadUrl: href, reason, anchorText });
    }
  }
  return links;
}

/** Serves the blog and the shop on `port` of their two loopback addresses; resolves once both listen. */
export async function startDemoSite({ port = DEFAULT_PORT, log = () => {} } = {}) {
  const blog = urls(BLOG_ADDRESS, port);
  const shop = urls(SHOP_ADDRESS, port);
  const sites = [
    { address: BLOG_ADDRESS, pages: Object.fromEntries(Object.entries(blogPages(shop)).map(([path, body]) => [path, { status: 200, body }])) },
    { address: SHOP_ADDRESS, pages: shopPages(blog) },
  ];
  const servers = [];
  try {
    for (const { address, pages } of sites) {
      // Anything else (robots.txt too: no rules) is a plain 404.
      const server = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const page = pages[path] ?? { status: 404, body: 'Not found\n' };
        log(`${req.method} http://${address}:${port}${req.url} ${page.status}`);
        res.writeHead(page.status, { 'content-type': page.body.startsWith('<!doctype') ? 'text/html; charset=utf-8' : 'text/plain' });
        res.end(page.body);
      });
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, resolve);
      });
      servers.push(server);
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return {
    blogUrl: blog('/'),
    shopUrl: shop('/'),
    close: () => closeAll(servers),
  };
}

async function main() {
  const port = Number(process.env.DEMO_PORT ?? DEFAULT_PORT);
  let site;
  try {
    site = await startDemoSite({ port, log: (line) => console.log(`  ${line}`) });
  } catch (error) {
    const where = `${error.address ?? ''}:${error.port ?? port}`;
    if (error.code === 'EADDRINUSE') console.error(`demo-site: ${where} is taken; pick another port: DEMO_PORT=8081 node examples/demo-site.mjs`);
    else if (error.code === 'EADDRNOTAVAIL') console.error(`demo-site: cannot listen on ${where}: this system has only 127.0.0.1 on loopback (macOS: sudo ifconfig lo0 alias ${SHOP_ADDRESS})`);
    else console.error(`demo-site: ${error.message}`);
    process.exit(1);
  }
  const dead = deadLinks(port);
  const width = Math.max(...dead.map((link) => link.deadUrl.length));
  console.log(`A gardening niche on two loopback sites (Ctrl-C stops it):
  ${site.blogUrl}  a blog: a home page, an about page and three posts linking to each other and to the shop
  ${site.shopUrl}  a garden shop: some pages alive, some dead
The blog's dead links, which a crawl of ${site.blogUrl} should report as prospects (${dead.length}):
${dead.map((link) => `  ${link.reason.padEnd(9)}  ${link.deadUrl.padEnd(width)}  on ${link.sourceUrl}`).join('\n')}
Requests:`);
  const stop = () => site.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run as a script (node examples/demo-site.mjs), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
