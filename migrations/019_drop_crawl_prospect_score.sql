-- crawl_prospect_score (migration 015) has not been called since the version that wrote its counts into
-- the statements that score (services/store/score-function.ts crawlScoreSql). It stayed while that
-- version's deploy replaced processes that still called it; no process of the version before this one does.
DROP FUNCTION IF EXISTS crawl_prospect_score(uuid, text, bigint, boolean, text, real);
