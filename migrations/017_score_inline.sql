-- A prospect's crawl score is written into the statements that score (services/store/score-function.ts
-- crawlScoreSql): as a SQL function of its own it was planned anew inside every statement that called it.
DROP FUNCTION crawl_prospect_score(uuid, text, bigint, boolean, text, real);
