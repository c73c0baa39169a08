-- What a crawled page tells an outreach writer.
ALTER TABLE pages
  ADD COLUMN domain text,
  ADD COLUMN description text,
  ADD COLUMN lang text;

ALTER TABLE links
  ADD COLUMN context text NOT NULL DEFAULT '',
  ADD COLUMN position text NOT NULL DEFAULT 'content' CHECK (position IN ('content', 'navigation', 'sidebar', 'footer'));
-- Referring pages across all of an account's crawls.
CREATE INDEX links_target_url ON links (target_url);

-- Ways to reach a site, gathered from every page of it the crawl saw.
CREATE TABLE site_contacts (
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  domain text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('email', 'contact_page', 'author')),
  value text NOT NULL,
  PRIMARY KEY (crawl_id, domain, kind, value)
);

-- The opportunity score, one definition for inserts and refreshes (README: "Opportunity score").
CREATE FUNCTION prospect_score(referring_domains bigint, referring_pages bigint, followed boolean, link_position text, source_inlinks bigint)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT round(
      30 * least(1, ln(1 + referring_domains) / ln(11))
    + 20 * least(1, ln(1 + referring_pages) / ln(21))
    + CASE WHEN followed THEN 20 ELSE 0 END
    + CASE link_position WHEN 'content' THEN 15 WHEN 'sidebar' THEN 5 WHEN 'navigation' THEN 3 ELSE 2 END
    + 15 * least(1, ln(1 + source_inlinks) / ln(11))
  )::integer
$$;

ALTER TABLE prospects
  ADD COLUMN source_domain text NOT NULL DEFAULT '',
  ADD COLUMN dead_domain text NOT NULL DEFAULT '',
  ADD COLUMN followed boolean NOT NULL DEFAULT true,
  ADD COLUMN position text NOT NULL DEFAULT 'content',
  ADD COLUMN context text NOT NULL DEFAULT '',
  ADD COLUMN score integer NOT NULL DEFAULT 0,
  ADD COLUMN notes text NOT NULL DEFAULT '',
  ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN recheck jsonb;
ALTER TABLE prospects ADD CONSTRAINT prospects_status_check
  CHECK (status IN ('new', 'contacted', 'replied', 'won', 'lost', 'ignored'));
CREATE INDEX prospects_account_score ON prospects (account_id, score DESC, id DESC);
CREATE INDEX prospects_account_dead_url ON prospects (account_id, dead_url);

-- What a dead URL used to be: the closest Wayback Machine snapshot, looked up once per URL.
CREATE TABLE archive_snapshots (
  url text PRIMARY KEY,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'found', 'none', 'unavailable')),
  snapshot_url text,
  snapshot_at timestamptz,
  title text,
  checked_at timestamptz
);

-- POST /v1/crawls with an Idempotency-Key: the crawl the first request created, returned again for the
-- same key and body. The key's row is inserted in the crawl's transaction, so concurrent requests with
-- one key wait on its primary key and then find the crawl.
CREATE TABLE idempotency_keys (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash text NOT NULL,
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

-- The score of one prospect from the crawl's link graph as it stands: referring pages and domains of the
-- dead URL, and the source page's inbound links from the crawl's other pages.
CREATE FUNCTION crawl_prospect_score(p_crawl uuid, p_dead_url text, p_source_page bigint, p_followed boolean, p_position text)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT prospect_score(
    (SELECT count(DISTINCT sp.domain) FROM links x JOIN pages sp ON sp.id = x.source_page_id
      WHERE x.crawl_id = p_crawl AND x.target_url = p_dead_url),
    (SELECT count(*) FROM links x WHERE x.crawl_id = p_crawl AND x.target_url = p_dead_url),
    p_followed,
    p_position,
    (SELECT count(*) FROM links x JOIN pages src ON src.id = p_source_page
      WHERE x.crawl_id = p_crawl AND x.target_url IN (src.url, src.final_url) AND x.source_page_id <> p_source_page)
  )
$$;
