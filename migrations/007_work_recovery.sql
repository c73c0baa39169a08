-- Work whose job failed for good or vanished is enqueued anew a few times, then settled as failed.
-- worked_at: when the item was planned or its job last enqueued anew; the reconciler ages items from it.
-- requeues: how many times its job was enqueued anew (it names the job: page-<id>-r<n>).
ALTER TABLE pages ADD COLUMN worked_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN requeues smallint NOT NULL DEFAULT 0;
ALTER TABLE crawl_targets ADD COLUMN worked_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN requeues smallint NOT NULL DEFAULT 0;
ALTER TABLE webhook_deliveries ADD COLUMN worked_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN requeues smallint NOT NULL DEFAULT 0;
UPDATE pages SET worked_at = created_at WHERE state = 'queued';
UPDATE crawl_targets SET worked_at = created_at WHERE state = 'pending';
UPDATE webhook_deliveries SET worked_at = created_at WHERE state = 'pending';

-- The reconciler walks pending items in id order, a batch per run, so a long backlog is covered in turn.
DROP INDEX pages_queued_since;
DROP INDEX crawl_targets_pending_since;
DROP INDEX webhook_deliveries_pending;
CREATE INDEX pages_queued_by_id ON pages (id) WHERE state = 'queued';
CREATE INDEX crawl_targets_pending_by_id ON crawl_targets (id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_pending_by_id ON webhook_deliveries (id) WHERE state = 'pending';

-- The reconciler looks at live crawls every few seconds: those with nothing pending, those stuck.
CREATE INDEX crawls_live ON crawls (id) WHERE status IN ('queued', 'running');

-- Archive lookups and prospect rechecks are reconciled too: when each was asked for, and an index on
-- the pending ones.
ALTER TABLE archive_snapshots ADD COLUMN requested_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_snapshots_pending ON archive_snapshots (requested_at) WHERE state = 'pending';
CREATE INDEX prospects_recheck_pending ON prospects (id) WHERE recheck ->> 'state' = 'pending';
