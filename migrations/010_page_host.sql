-- A page's host is decided by the domain (services/crawl/budget.ts hostOf) and written with the page,
-- like every derived column: the column keeps its values and its index, and stops being generated.
ALTER TABLE pages ALTER COLUMN host DROP EXPRESSION;
