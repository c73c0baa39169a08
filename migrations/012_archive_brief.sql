-- What a dead page was, for a writer who recreates it: the verified capture's outline (its h1-h3 headings
-- in order, as [{"level": 1, "text": "..."}]), word count and first paragraph; and, when no capture is
-- shown, why (no capture answered 200 before the URL was seen dead, or each one tried was an error page).
-- Rows looked up before keep NULLs: their capture was not verified and has no brief.
ALTER TABLE archive_snapshots
  ADD COLUMN outline jsonb CHECK (jsonb_typeof(outline) = 'array'),
  ADD COLUMN word_count integer CHECK (word_count >= 0),
  ADD COLUMN first_paragraph text,
  ADD COLUMN none_reason text,
  ADD CONSTRAINT archive_snapshots_none_reason CHECK (
    none_reason IS NULL OR (state = 'none' AND none_reason IN ('no_capture', 'only_error_pages')));
