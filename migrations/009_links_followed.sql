-- Whether a link passes authority is decided by the domain (services/crawl/vocabulary.ts isFollowed)
-- when the link is stored; prospects copy it. Links stored before then get the same rule once, here.
ALTER TABLE links ADD COLUMN followed boolean NOT NULL DEFAULT true;
UPDATE links SET followed = false WHERE ' ' || rel || ' ' ~ ' (nofollow|sponsored|ugc) ';
