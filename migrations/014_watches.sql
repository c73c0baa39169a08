-- A watch crawls a niche again on a schedule (BullMQ's job scheduler watch-<id> fires each slot). Its
-- settings are a crawl request; its schedule is a fixed interval or a cron pattern in a time zone.
CREATE TABLE watches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  settings jsonb NOT NULL,
  every_ms bigint CHECK (every_ms > 0),
  cron text,
  timezone text,
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((every_ms IS NULL) <> (cron IS NULL))
);
CREATE INDEX watches_account ON watches (account_id, created_at DESC, id DESC);

-- One row per slot of a watch's schedule: the crawl it started, or why it started none. The slot's
-- uniqueness makes a slot start one run however many workers see its job.
CREATE TABLE watch_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  watch_id uuid NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
  slot_at timestamptz NOT NULL,
  crawl_id uuid REFERENCES crawls (id) ON DELETE SET NULL,
  skipped text CHECK (skipped IN ('previous_run_active')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (watch_id, slot_at)
);
CREATE INDEX watch_runs_recent ON watch_runs (watch_id, slot_at DESC);

ALTER TABLE crawls ADD COLUMN watch_id uuid REFERENCES watches (id) ON DELETE SET NULL;
CREATE INDEX crawls_watch ON crawls (watch_id, created_at DESC) WHERE watch_id IS NOT NULL;
