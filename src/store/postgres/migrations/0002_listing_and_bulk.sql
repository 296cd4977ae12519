-- Keyword listing at 10,000+ rows, and bulk rows linked to monitored keywords.
--
-- Counting a page with count(*) OVER () reads and sorts every row on every request. Here a page is an index scan of `limit` rows (one index per sort
-- order, NULLS LAST in both directions, id as the tie-break, matching the ORDER BY exactly),
-- and the unfiltered total, the common case, is one row of keyword_count, kept exact by
-- statement-level triggers. The cost: concurrent keyword inserts/deletes serialise on that
-- row until they commit, which is fine at the rate people add keywords. Filtered totals
-- (search, tag) still count the matching rows.

CREATE TABLE keyword_count (
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  total    BIGINT NOT NULL
);
INSERT INTO keyword_count (total) SELECT count(*) FROM keywords;

CREATE FUNCTION keyword_count_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n BIGINT;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE keyword_count SET total = 0;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT count(*) INTO n FROM keyword_count_new;
    -- An INSERT ... ON CONFLICT DO NOTHING that inserted nothing must not lock the row.
    IF n > 0 THEN
      UPDATE keyword_count SET total = total + n;
    END IF;
  ELSE
    SELECT count(*) INTO n FROM keyword_count_old;
    IF n > 0 THEN
      UPDATE keyword_count SET total = total - n;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER keyword_count_insert AFTER INSERT ON keywords
  REFERENCING NEW TABLE AS keyword_count_new
  FOR EACH STATEMENT EXECUTE FUNCTION keyword_count_maintain();
CREATE TRIGGER keyword_count_delete AFTER DELETE ON keywords
  REFERENCING OLD TABLE AS keyword_count_old
  FOR EACH STATEMENT EXECUTE FUNCTION keyword_count_maintain();
CREATE TRIGGER keyword_count_truncate AFTER TRUNCATE ON keywords
  FOR EACH STATEMENT EXECUTE FUNCTION keyword_count_maintain();

-- Sort orders of the listing (created_at has keywords_created_at_idx, scanned both ways).
CREATE INDEX keywords_last_checked_asc_idx ON keywords (last_checked_at ASC NULLS LAST, id ASC);
CREATE INDEX keywords_last_checked_desc_idx ON keywords (last_checked_at DESC NULLS LAST, id DESC);
CREATE INDEX keywords_last_rank_asc_idx ON keywords (last_rank ASC NULLS LAST, id ASC);
CREATE INDEX keywords_last_rank_desc_idx ON keywords (last_rank DESC NULLS LAST, id DESC);
CREATE INDEX keywords_keyword_idx ON keywords (keyword, id);

-- The newest rankings, with a tie-break that makes "latest N" deterministic.
CREATE INDEX keyword_rankings_checked_id_idx ON keyword_rankings (checked_at DESC, id DESC);
DROP INDEX keyword_rankings_checked_idx;

-- A bulk row remembers the monitored keyword with its keyword+url (if any), so its job can
-- carry keywordId and its result lands in that keyword's history. Deleting the keyword only
-- unlinks the row: the bulk search keeps its result.
ALTER TABLE bulk_search_keywords
  ADD COLUMN keyword_id BIGINT REFERENCES keywords (id) ON DELETE SET NULL;
CREATE INDEX bulk_search_keywords_keyword_idx ON bulk_search_keywords (keyword_id)
  WHERE keyword_id IS NOT NULL;
-- Paging one search's rows filtered by status.
CREATE INDEX bulk_search_keywords_status_idx ON bulk_search_keywords (bulk_search_id, status, id);
