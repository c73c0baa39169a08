-- Niche relevance: the words a crawl's niche is about (from its seed pages and keywords), each crawled
-- page's topical fit to them, and the fit below which an outward crawl does not follow a page's links.
ALTER TABLE crawls
  ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
  ADD COLUMN min_relevance real CHECK (min_relevance BETWEEN 0 AND 1),
  -- The niche profile (crawl/relevance.ts NicheProfile), and which seed pages went into it.
  ADD COLUMN niche_profile jsonb,
  ADD COLUMN profile_pages bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE pages ADD COLUMN relevance real CHECK (relevance BETWEEN 0 AND 1);

-- The crawl's prospect score (004) with the source page's relevance: prospect_score() now weighs it
-- (services/store/score-function.ts installs that one at every migration).
DROP FUNCTION crawl_prospect_score(uuid, text, bigint, boolean, text);
-- Its six-argument prospect_score() is installed right after the migrations: its body is checked when called.
SET LOCAL check_function_bodies = off;
CREATE FUNCTION crawl_prospect_score(p_crawl uuid, p_dead_url text, p_source_page bigint, p_followed boolean, p_position text, p_relevance real)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT prospect_score(
    (SELECT count(DISTINCT sp.domain) FROM links x JOIN pages sp ON sp.id = x.source_page_id
      WHERE x.crawl_id = p_crawl AND x.target_url = p_dead_url),
    (SELECT count(*) FROM links x WHERE x.crawl_id = p_crawl AND x.target_url = p_dead_url),
    p_followed,
    p_position,
    (SELECT count(*) FROM links x JOIN pages src ON src.id = p_source_page
      WHERE x.crawl_id = p_crawl AND x.target_url IN (src.url, src.final_url) AND x.source_page_id <> p_source_page),
    p_relevance
  )
$$;
