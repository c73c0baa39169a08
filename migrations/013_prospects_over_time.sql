-- One prospect per account and opportunity (the source page's URL, the dead URL), however many crawls
-- found it. The row keeps the latest sighting (crawl_id, source_page_id and what that crawl saw); every
-- crawl that saw it is a row of prospect_sightings, so a crawl's own view still lists all it found.
ALTER TABLE prospects
  ADD COLUMN source_url text,
  ADD COLUMN first_crawl_id uuid REFERENCES crawls (id) ON DELETE SET NULL,
  -- open: the dead link is on the source page as far as we last saw; resolved: it went away (why in resolution).
  ADD COLUMN state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  ADD COLUMN resolution text CHECK (resolution IN ('link_removed', 'source_gone', 'revived')),
  ADD COLUMN resolved_at timestamptz,
  -- Won: our page that replaced the dead link, and what the last check of it on the source page saw.
  ADD COLUMN replacement_url text,
  ADD COLUMN link_check jsonb,
  ADD COLUMN link_checked_at timestamptz,
  ADD CONSTRAINT prospects_resolution CHECK ((state = 'resolved') = (resolution IS NOT NULL));

UPDATE prospects r SET source_url = coalesce(p.final_url, p.url), first_crawl_id = r.crawl_id FROM pages p WHERE p.id = r.source_page_id;

CREATE TABLE prospect_sightings (
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
  source_page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (crawl_id, prospect_id)
);
CREATE INDEX prospect_sightings_prospect ON prospect_sightings (prospect_id, seen_at DESC);
INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id, seen_at)
  SELECT crawl_id, id, source_page_id, first_seen_at FROM prospects;

-- Earlier crawls of one account made a row per crawl for the same opportunity: they become one, the
-- first found (its id stays), carrying the latest sighting, the earliest first_seen_at, the latest
-- last_seen_at, the outreach status and recheck last changed, and every distinct note. Their sightings
-- move to it; announcements still pending for the others are dropped (the opportunity was announced).
CREATE TEMPORARY TABLE prospect_merges ON COMMIT DROP AS
  SELECT id, min(id) OVER opportunity AS keeper,
    first_value(id) OVER (PARTITION BY account_id, source_url, dead_url ORDER BY last_seen_at DESC, id DESC) AS latest,
    first_value(id) OVER (PARTITION BY account_id, source_url, dead_url ORDER BY updated_at DESC, id DESC) AS last_changed
  FROM prospects WINDOW opportunity AS (PARTITION BY account_id, source_url, dead_url);
DELETE FROM prospect_merges m WHERE NOT EXISTS (SELECT 1 FROM prospect_merges o WHERE o.keeper = m.keeper AND o.id <> m.keeper);

-- The kept row takes a duplicate's (crawl, page, dead URL) while that duplicate still exists: the old
-- per-crawl key goes first.
ALTER TABLE prospects DROP CONSTRAINT prospects_crawl_id_source_page_id_dead_url_key;
UPDATE prospects k SET
  crawl_id = l.crawl_id, source_page_id = l.source_page_id, reason = l.reason, http_status = l.http_status,
  anchor_text = l.anchor_text, rel = l.rel, context = l.context, position = l.position, followed = l.followed,
  source_domain = l.source_domain, dead_domain = l.dead_domain, score = l.score,
  status = c.status, recheck = c.recheck, updated_at = c.updated_at,
  first_seen_at = g.first_seen, last_seen_at = g.last_seen, notes = g.notes
FROM (SELECT DISTINCT keeper, latest, last_changed FROM prospect_merges) m
  JOIN prospects l ON l.id = m.latest
  JOIN prospects c ON c.id = m.last_changed
  JOIN (SELECT m2.keeper, min(r.first_seen_at) AS first_seen, max(r.last_seen_at) AS last_seen,
          coalesce(string_agg(DISTINCT r.notes, E'\n') FILTER (WHERE r.notes <> ''), '') AS notes
        FROM prospect_merges m2 JOIN prospects r ON r.id = m2.id GROUP BY m2.keeper) g ON g.keeper = m.keeper
WHERE k.id = m.keeper;

INSERT INTO prospect_sightings (crawl_id, prospect_id, source_page_id, seen_at)
  SELECT s.crawl_id, m.keeper, s.source_page_id, s.seen_at FROM prospect_sightings s JOIN prospect_merges m ON m.id = s.prospect_id
  WHERE m.id <> m.keeper
  ON CONFLICT (crawl_id, prospect_id) DO NOTHING;
DELETE FROM prospects r USING prospect_merges m WHERE r.id = m.id AND m.id <> m.keeper;

ALTER TABLE prospects ALTER COLUMN source_url SET NOT NULL;
ALTER TABLE prospects ADD CONSTRAINT prospects_opportunity UNIQUE (account_id, source_url, dead_url);
DROP INDEX prospects_crawl;
CREATE INDEX prospects_crawl ON prospects (crawl_id);
CREATE INDEX prospects_won ON prospects (link_checked_at NULLS FIRST) WHERE status = 'won' AND replacement_url IS NOT NULL;

-- What happened to a prospect, oldest first: its state (found, resolved and why, open again), its
-- outreach status and replacement URL (who changed them), and its won link as checks saw it. A row
-- with a crawl_id is part of that crawl's diff.
CREATE TABLE prospect_history (
  id bigserial PRIMARY KEY,
  prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('state', 'status', 'replacement_url', 'link')),
  from_value text,
  to_value text,
  reason text,
  actor text NOT NULL,
  crawl_id uuid REFERENCES crawls (id) ON DELETE SET NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX prospect_history_prospect ON prospect_history (prospect_id, id);
CREATE INDEX prospect_history_crawl ON prospect_history (crawl_id) WHERE crawl_id IS NOT NULL;
INSERT INTO prospect_history (prospect_id, at, kind, from_value, to_value, reason, actor, crawl_id)
  SELECT id, first_seen_at, 'state', NULL, 'open', 'found', 'crawl', first_crawl_id FROM prospects ORDER BY id;
