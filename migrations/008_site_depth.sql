-- A site crawl reaches every page linked within the site: no depth cap unless the caller sets one.
ALTER TABLE crawls ALTER COLUMN max_depth DROP NOT NULL;
