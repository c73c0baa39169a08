-- URL twins: pages of a crawl that are one page under two URLs (`/` and `/index.html`, or any that declare
-- the same <link rel="canonical">). Each crawled HTML page claims its canonical key (its declared canonical
-- URL on its own site, else its final URL); the first page to claim a key is the page, a later twin is
-- recorded as fetched but its links are not read again (duplicate_of names the page it twins).
CREATE TABLE page_canonicals (
  crawl_id uuid NOT NULL REFERENCES crawls (id) ON DELETE CASCADE,
  url text NOT NULL,
  page_id bigint NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  PRIMARY KEY (crawl_id, url)
);
ALTER TABLE pages ADD COLUMN duplicate_of bigint REFERENCES pages (id) ON DELETE SET NULL;
