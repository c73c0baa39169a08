-- Per-crawl politeness and budget controls; NULL means the service default.
ALTER TABLE crawls
  ADD COLUMN host_concurrency integer,
  ADD COLUMN host_interval_ms integer,
  ADD COLUMN max_pages_per_host integer,
  ADD COLUMN include_patterns text[] NOT NULL DEFAULT '{}',
  ADD COLUMN exclude_patterns text[] NOT NULL DEFAULT '{}';

-- The host of a page's URL, for maxPagesPerHost. URLs are normalized, so the host is lower case already.
ALTER TABLE pages ADD COLUMN host text GENERATED ALWAYS AS (substring(url from '^[a-z]+://([^/:?#]+)')) STORED;
CREATE INDEX pages_host ON pages (crawl_id, host);

-- A crawled page's fetch is also the verdict of its URL: a link check of the same URL in the same crawl
-- reuses it rather than fetching the URL a second time.
ALTER TABLE pages ADD COLUMN verdict text CHECK (verdict IN ('alive', 'dead', 'blocked', 'unknown'));
ALTER TABLE pages ADD COLUMN evidence jsonb;

-- Every verdict keeps its evidence: the attempts (method, status, redirect chain, timing) and when.
ALTER TABLE crawl_targets ADD COLUMN evidence jsonb;
