-- An ended crawl's counts, counted once more and kept (services/store/crawls.ts freezeCrawlStats and
-- freezeSettledCrawlStats): a list of big ended crawls no longer counts each one's pages, links and targets.
ALTER TABLE crawls ADD COLUMN final_stats jsonb;
-- The ended crawls whose counts are not kept yet (cancelled or stuck ones until their jobs in flight are over).
CREATE INDEX crawls_counts_to_keep ON crawls (finished_at) WHERE final_stats IS NULL AND finished_at IS NOT NULL;
