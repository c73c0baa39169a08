-- An ended crawl's activity counts (pages settled, links checked, verdicts by reason, page errors), kept
-- with its counts (services/store/crawls.ts freezeCrawlStats, services/store/crawl-activity.ts): the
-- admin's list of big ended crawls no longer passes over each one's pages and targets.
ALTER TABLE crawls ADD COLUMN final_activity json;
-- Kept as json, not jsonb, so that they read back as they were counted: an ended crawl's stats keys come
-- in the order a running crawl's do (jsonb orders keys its own way). Counts kept before stay in jsonb's order.
DROP INDEX crawls_counts_to_keep;
ALTER TABLE crawls ALTER COLUMN final_stats TYPE json USING final_stats::json;
-- The ended crawls whose activity is not kept yet: the reconciler keeps it (and their counts, unless
-- kept already) a while after they ended. Crawls whose counts were kept before this migration, or by a
-- process of the previous version during a deploy, are among them.
CREATE INDEX crawls_activity_to_keep ON crawls (finished_at) WHERE final_activity IS NULL AND finished_at IS NOT NULL;
