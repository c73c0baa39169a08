import t from 'tap';
import type { ExtractedLink } from '../../services/crawl/extract.js';
import { linkChange, observeLink, type LinkObservation } from '../../services/crawl/link-presence.js';

// A won link on its source page: what one check sees (observeLink), and what changed since the check
// before (linkChange), the event the outreach tool is told.
const OURS = 'https://ours.example/guide-to-sourdough';

const link = (url: string, anchorText: string, rel = ''): ExtractedLink => ({
  url,
  anchorText,
  rel,
  context: `Read ${anchorText} for more.`,
  position: 'content',
});

const page = [
  link('https://blog.example/about', 'About us'),
  link('https://other.example/starter', 'Starter tips', 'noopener'),
  link('https://third.example/flour', 'Flour types'),
];

const present = (followed: boolean, anchorText = 'Sourdough guide', rel = followed ? '' : 'nofollow'): LinkObservation => ({
  state: 'present',
  followed,
  rel,
  anchorText,
});
const missing = (replacedBy: string | null = null): LinkObservation => ({ state: 'missing', replacedBy });
const gone = (reason: string | null = 'not_found'): LinkObservation => ({ state: 'page_gone', reason });

t.test('our link present and followed', async (t) => {
  const links = [...page, link(OURS, 'Sourdough guide')];
  t.same(observeLink(links, OURS, 'Sourdough guide'), { state: 'present', followed: true, rel: '', anchorText: 'Sourdough guide' });
  t.same(
    observeLink([...page, link(OURS, 'Sourdough guide', 'noopener noreferrer')], OURS, null),
    { state: 'present', followed: true, rel: 'noopener noreferrer', anchorText: 'Sourdough guide' },
    'rel without an unfollowed token is followed; no previous anchor needed',
  );
  t.same(
    observeLink([...page, link(OURS, 'A new anchor')], OURS, 'Sourdough guide'),
    { state: 'present', followed: true, rel: '', anchorText: 'A new anchor' },
    'the anchor text as it is now',
  );
});

t.test('our link present but not followed: nofollow, sponsored and ugc each count', async (t) => {
  for (const rel of ['nofollow', 'sponsored', 'ugc', 'noopener nofollow', 'ugc noopener', 'sponsored nofollow']) {
    t.same(
      observeLink([...page, link(OURS, 'Sourdough guide', rel)], OURS, 'Sourdough guide'),
      { state: 'present', followed: false, rel, anchorText: 'Sourdough guide' },
      `rel="${rel}"`,
    );
  }
  t.equal(
    (observeLink([link(OURS, 'x', 'nofollowed')], OURS, null) as { followed: boolean }).followed,
    true,
    'tokens, not substrings: "nofollowed" is no nofollow',
  );
});

t.test('the first link to our URL is ours', async (t) => {
  const links = [link(OURS, 'Sourdough guide', 'sponsored'), link(OURS, 'Second mention')];
  t.same(observeLink(links, OURS, null), { state: 'present', followed: false, rel: 'sponsored', anchorText: 'Sourdough guide' });
});

t.test('URLs are compared exactly as extraction normalized them', async (t) => {
  t.same(observeLink([link(`${OURS}/`, 'Sourdough guide')], OURS, null), missing(), 'another URL, however close, is not ours');
});

t.test('our link missing', async (t) => {
  t.same(observeLink(page, OURS, 'Sourdough guide'), missing(), 'no link with our URL or our anchor');
  t.same(observeLink([], OURS, 'Sourdough guide'), missing(), 'a page with no links at all');
  t.same(observeLink(page, OURS, null), missing(), 'no previous anchor: nothing to recognize a replacement by');
});

t.test('a link with our previous anchor text that now goes elsewhere is the replacement', async (t) => {
  const replacement = 'https://competitor.example/sourdough';
  t.same(observeLink([...page, link(replacement, 'Sourdough guide')], OURS, 'Sourdough guide'), missing(replacement));
  t.same(
    observeLink([...page, link(replacement, 'SOURDOUGH Guide')], OURS, 'sourdough guide'),
    missing(replacement),
    'case does not matter',
  );
  t.same(
    observeLink([...page, link(replacement, '  Sourdough guide ')], OURS, '\tSourdough guide\n'),
    missing(replacement),
    'surrounding whitespace does not matter',
  );
  t.same(
    observeLink([link('https://first.example/', 'Sourdough guide'), link('https://second.example/', 'sourdough guide')], OURS, 'Sourdough guide'),
    missing('https://first.example/'),
    'the first such link',
  );
  t.same(observeLink([...page, link(replacement, 'Sourdough guides')], OURS, 'Sourdough guide'), missing(), 'other words are no replacement');
  t.same(
    observeLink([...page, link(replacement, '')], OURS, ''),
    missing(),
    'an empty previous anchor recognizes nothing (not every image link on the page)',
  );
  t.same(observeLink([...page, link(replacement, '')], OURS, '   '), missing(), 'nor does a blank one');
});

t.test('linkChange: no previous observation', async (t) => {
  t.same(linkChange(null, present(true)), { event: 'link.changed', change: 'appeared' }, 'null -> present: appeared');
  t.same(linkChange(null, present(false)), { event: 'link.changed', change: 'appeared' }, 'null -> present nofollow: appeared');
  t.equal(linkChange(null, missing()), null, 'null -> missing: nothing to lose');
  t.equal(linkChange(null, missing('https://competitor.example/')), null, 'null -> missing with a replacement: nothing to lose');
  t.equal(linkChange(null, gone()), null, 'null -> page_gone: nothing to lose');
});

t.test('linkChange: present -> present', async (t) => {
  t.same(linkChange(present(true), present(false)), { event: 'link.changed', change: 'nofollow' }, 'followed -> not: nofollow');
  t.same(
    linkChange(present(true), present(false, 'Sourdough guide', 'sponsored')),
    { event: 'link.changed', change: 'nofollow' },
    'sponsored is reported as nofollow too',
  );
  t.same(linkChange(present(false), present(true)), { event: 'link.changed', change: 'followed' }, 'not -> followed: followed');
  t.same(
    linkChange(present(true, 'Sourdough guide'), present(true, 'Our sourdough guide')),
    { event: 'link.changed', change: 'anchor_changed' },
    'same follow, other words: anchor_changed',
  );
  t.same(
    linkChange(present(true, 'Sourdough guide'), present(false, 'Our sourdough guide')),
    { event: 'link.changed', change: 'nofollow' },
    'follow and anchor both changed: the follow change is the one told',
  );
  t.equal(linkChange(present(true), present(true)), null, 'no change');
  t.equal(linkChange(present(false), present(false)), null, 'no change while nofollow');
  t.equal(
    linkChange(present(false, 'Sourdough guide', 'nofollow'), present(false, 'Sourdough guide', 'ugc')),
    null,
    'one unfollowed rel for another: still not followed, nothing to tell',
  );
});

t.test('linkChange: present -> missing or gone', async (t) => {
  t.same(linkChange(present(true), missing()), { event: 'link.lost', change: 'removed' }, 'present -> missing: removed');
  t.same(linkChange(present(false), missing()), { event: 'link.lost', change: 'removed' }, 'a nofollow link removed');
  t.same(
    linkChange(present(true), missing('https://competitor.example/sourdough')),
    { event: 'link.lost', change: 'replaced' },
    'present -> missing with replacedBy: replaced',
  );
  t.same(linkChange(present(true), gone()), { event: 'link.lost', change: 'page_gone' }, 'present -> page_gone');
  t.same(linkChange(present(true), gone(null)), { event: 'link.lost', change: 'page_gone' }, 'page_gone without a reason');
});

t.test('linkChange: from missing or gone', async (t) => {
  t.equal(linkChange(missing(), missing()), null, 'missing -> missing: nothing new');
  t.equal(linkChange(missing(), missing('https://competitor.example/')), null, 'missing -> replaced: already lost');
  t.equal(linkChange(missing(), gone()), null, 'missing -> page_gone: already lost');
  t.equal(linkChange(gone(), gone()), null, 'page_gone -> page_gone');
  t.equal(linkChange(gone(), missing()), null, 'page_gone -> missing: already lost');
  t.same(linkChange(missing(), present(true)), { event: 'link.changed', change: 'appeared' }, 'missing -> present: appeared');
  t.same(linkChange(missing('https://competitor.example/'), present(false)), { event: 'link.changed', change: 'appeared' });
  t.same(linkChange(gone(), present(true)), { event: 'link.changed', change: 'appeared' }, 'page_gone -> present: appeared');
});

t.test('observeLink and linkChange together, over a run of checks', async (t) => {
  const replacement = 'https://competitor.example/sourdough';
  const checks: Array<[ExtractedLink[] | 'gone', string | null]> = [
    [page, null], // before the writer's edit: not there yet, nothing told
    [[...page, link(OURS, 'Sourdough guide')], 'appeared'],
    [[...page, link(OURS, 'Sourdough guide')], null],
    [[...page, link(OURS, 'Sourdough guide', 'nofollow')], 'nofollow'],
    [[...page, link(OURS, 'The sourdough guide', 'nofollow')], 'anchor_changed'],
    [[...page, link(replacement, 'the sourdough GUIDE')], 'replaced'],
    [[...page, link(replacement, 'the sourdough GUIDE')], null],
    [[...page, link(OURS, 'The sourdough guide')], 'appeared'],
    ['gone', 'page_gone'],
    ['gone', null],
  ];
  let previous: LinkObservation | null = null;
  let anchor: string | null = null;
  for (const [i, [links, expected]] of checks.entries()) {
    const current: LinkObservation = links === 'gone' ? gone() : observeLink(links, OURS, anchor);
    t.equal(linkChange(previous, current)?.change ?? null, expected, `check ${i + 1}: ${expected ?? 'nothing to tell'}`);
    if (current.state === 'present') anchor = current.anchorText;
    previous = current;
  }
});
