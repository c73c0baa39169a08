-- Accounts own API keys and crawls; every query of the public API is scoped by account.
CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Keys are stored only as SHA-256 hashes: they are long random secrets, so a slow hash buys nothing.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE crawls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed')),
  scope text NOT NULL CHECK (scope IN ('outward', 'site')),
  seeds text[] NOT NULL,
  max_depth integer NOT NULL,
  max_pages integer NOT NULL,
  respect_robots boolean NOT NULL,
  -- The page budget: rows of pages created so far. Incremented under the crawl's row lock.
  pages_planned integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX crawls_account_recent ON crawls (account_id, created_at DESC, id DESC);

-- The frontier: one row per URL a crawl will fetch, so no URL is fetched twice in a crawl.
CREATE TABLE pages (
  id bigserial PRIMARY KEY,
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  url text NOT NULL,
  depth integer NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'crawled', 'failed', 'skipped')),
  final_url text,
  http_status integer,
  title text,
  -- Why a page failed or was skipped: a verdict reason, 'robots_disallowed', 'not_html', ...
  outcome text,
  fetched_at timestamptz,
  UNIQUE (crawl_id, url)
);
CREATE INDEX pages_pending ON pages (crawl_id) WHERE state = 'queued';

-- Every outbound URL a crawl must judge, with the verdict it got (a snapshot of the shared cache).
CREATE TABLE crawl_targets (
  id bigserial PRIMARY KEY,
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  url text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'checked')),
  verdict text CHECK (verdict IN ('alive', 'dead', 'blocked', 'unknown')),
  reason text,
  http_status integer,
  checked_at timestamptz,
  UNIQUE (crawl_id, url)
);
CREATE INDEX crawl_targets_pending ON crawl_targets (crawl_id) WHERE state = 'pending';

CREATE TABLE links (
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  source_page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  target_url text NOT NULL,
  outbound boolean NOT NULL,
  anchor_text text NOT NULL,
  rel text NOT NULL,
  PRIMARY KEY (crawl_id, source_page_id, target_url)
);
CREATE INDEX links_target ON links (crawl_id, target_url);

-- The verdict of one normalized URL, shared by every crawl and account that links to it.
CREATE TABLE verdicts (
  url text PRIMARY KEY,
  verdict text NOT NULL CHECK (verdict IN ('alive', 'dead', 'blocked', 'unknown')),
  reason text,
  http_status integer,
  final_url text,
  evidence jsonb NOT NULL,
  checked_at timestamptz NOT NULL
);

CREATE TABLE prospects (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  source_page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  dead_url text NOT NULL,
  reason text NOT NULL,
  http_status integer,
  anchor_text text NOT NULL,
  rel text NOT NULL,
  status text NOT NULL DEFAULT 'new',
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (crawl_id, source_page_id, dead_url)
);
CREATE INDEX prospects_account ON prospects (account_id, id);
CREATE INDEX prospects_crawl ON prospects (crawl_id, id);
