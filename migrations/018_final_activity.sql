-- An ended crawl's activity counts (pages settled, links checked, verdicts by reason, page errors), kept
-- with its counts (services/store/crawls.ts freezeCrawlStats, services/store/crawl-activity.ts): the
-- admin's list of big ended crawls no longer passes over each one's pages and targets.
ALTER TABLE crawls ADD COLUMN final_activity jsonb;
-- The crawls whose counts were kept before this: kept again, with their activity, by the reconciler.
UPDATE crawls SET final_stats = NULL WHERE final_stats IS NOT NULL;
