-- The Node service's schema (docs/glossary.md), improved: timestamptz (UTC), unique (keyword, url), exact network
-- bytes, and ranking rows keyed by the queue job (id, creation time, attempt) so a retried or
-- duplicated job never writes a second row.

CREATE TABLE keywords (
  id              BIGSERIAL PRIMARY KEY,
  keyword         VARCHAR(255) NOT NULL,
  url             TEXT NOT NULL,
  tags            TEXT[] NOT NULL DEFAULT '{}',
  target_rank     INTEGER CHECK (target_rank IS NULL OR target_rank > 0),
  last_rank       INTEGER,
  last_checked_at TIMESTAMPTZ,
  is_active       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT keywords_keyword_url_key UNIQUE (keyword, url)
);
CREATE INDEX keywords_created_at_idx ON keywords (created_at DESC, id DESC);
CREATE INDEX keywords_due_idx ON keywords (last_checked_at NULLS FIRST) WHERE is_active;
CREATE INDEX keywords_tags_idx ON keywords USING GIN (tags);

CREATE TABLE keyword_rankings (
  id                  BIGSERIAL PRIMARY KEY,
  keyword_id          BIGINT NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
  rank                INTEGER,                       -- NULL: not found
  rank_type           TEXT NOT NULL DEFAULT 'AD' CHECK (rank_type IN ('AD', 'ORGANIC')),
  checked_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  crawling_created_at TIMESTAMPTZ,                   -- when the job was created
  crawling_duration   INTEGER,                       -- ms spent processing
  total_duration      INTEGER,                       -- ms from enqueue to done
  crawling_method     TEXT,                          -- 'http' | 'browser'
  request_bytes       BIGINT,
  response_bytes      BIGINT,
  total_network_bytes BIGINT,
  job_id              TEXT,
  job_attempt         INTEGER,
  CONSTRAINT keyword_rankings_job_key UNIQUE (job_id, crawling_created_at, job_attempt, rank_type)
);
CREATE INDEX keyword_rankings_keyword_checked_idx ON keyword_rankings (keyword_id, checked_at DESC);
CREATE INDEX keyword_rankings_checked_idx ON keyword_rankings (checked_at DESC);

CREATE TABLE bulk_searches (
  id              BIGSERIAL PRIMARY KEY,
  name            TEXT NOT NULL,
  filename        TEXT,
  total_count     INTEGER NOT NULL DEFAULT 0,
  completed_count INTEGER NOT NULL DEFAULT 0,
  pending_count   INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'processing',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at    TIMESTAMPTZ
);
CREATE INDEX bulk_searches_created_idx ON bulk_searches (created_at DESC, id DESC);

CREATE TABLE bulk_search_keywords (
  id             BIGSERIAL PRIMARY KEY,
  bulk_search_id BIGINT NOT NULL REFERENCES bulk_searches (id) ON DELETE CASCADE,
  keyword        VARCHAR(255) NOT NULL,
  url            TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'processing', 'completed', 'cached', 'failed')),
  rank           INTEGER,
  cached_from    TIMESTAMPTZ,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at   TIMESTAMPTZ
);
CREATE INDEX bulk_search_keywords_bulk_idx ON bulk_search_keywords (bulk_search_id, id);
