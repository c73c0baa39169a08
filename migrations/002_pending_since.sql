-- When a page or target was planned: the reconciler re-enqueues pending items old enough that
-- their job should exist, and finds the ones whose job was lost.
ALTER TABLE pages ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE crawl_targets ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX pages_queued_since ON pages (created_at) WHERE state = 'queued';
CREATE INDEX crawl_targets_pending_since ON crawl_targets (created_at) WHERE state = 'pending';
