-- An ended crawl's activity counts (pages settled, links checked, verdicts by reason, page errors), kept
-- with its counts (services/store/crawls.ts freezeCrawlStats, services/store/crawl-activity.ts): the
-- admin's list of big ended crawls no longer passes over each one's pages and targets.
ALTER TABLE crawls ADD COLUMN final_activity jsonb;
-- The ended crawls whose activity is not kept yet: the reconciler keeps it (and their counts, unless
-- kept already) a while after they ended. Crawls whose counts were kept before this migration, or by a
-- process of the previous version during a deploy, are among them.
CREATE INDEX crawls_activity_to_keep ON crawls (finished_at) WHERE final_activity IS NULL AND finished_at IS NOT NULL;
DROP INDEX crawls_counts_to_keep;
