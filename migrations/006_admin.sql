-- Every action taken in the ops admin (browser or /admin/api): who, what, on what, when.
CREATE TABLE admin_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  detail jsonb NOT NULL DEFAULT '{}',
  ip text
);
CREATE INDEX admin_audit_at ON admin_audit (at DESC, id DESC);

-- When a key was last used (written at most once a minute per key), for the admin's usage view.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;

-- The admin's cross-account crawl list and its live rates.
CREATE INDEX crawls_created ON crawls (created_at DESC, id DESC);
CREATE INDEX pages_fetched ON pages (crawl_id, fetched_at) WHERE fetched_at IS NOT NULL;
CREATE INDEX crawl_targets_checked ON crawl_targets (crawl_id, checked_at) WHERE checked_at IS NOT NULL;

-- The admin's failing webhook endpoints.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, state);
