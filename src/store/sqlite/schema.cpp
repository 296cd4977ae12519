// The store's tables in the embedded database file. Same shape as the PostgreSQL schema
// (postgres/migrations/*.sql) with SQLite's types: instants are INTEGER milliseconds since the
// epoch (UTC), tags a JSON array of strings, booleans 0/1. Names never start with queue_,
// which belongs to the embedded queue in the same file.
//
// The version of the store's schema is the one row of store_schema_version (see
// apply_store_schema for why not PRAGMA user_version).
//
// Listing indexes: SQLite keeps NULLs first in an index, so "NULLS LAST in both directions"
// is ordered by (x IS NULL, x, id) in the queries, and each direction has an index on exactly
// that expression list (the DESC one declared so that a backward scan gives
// "x IS NULL ASC, x DESC, id DESC"). A page is then an index scan, no sort of the table.
#include "sqlite/database.h"
#include "store/sqlite/rows.h"

namespace crawler::store::sqlite {
namespace {

constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE keywords (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  keyword         TEXT NOT NULL,
  url             TEXT NOT NULL,
  tags            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  target_rank     INTEGER CHECK (target_rank IS NULL OR target_rank > 0),
  last_rank       INTEGER,
  last_checked_at INTEGER,
  is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at      INTEGER NOT NULL,
  CONSTRAINT keywords_keyword_url_key UNIQUE (keyword, url)
);
CREATE INDEX keywords_created_idx ON keywords (created_at, id);
CREATE INDEX keywords_keyword_idx ON keywords (keyword, id);
CREATE INDEX keywords_last_checked_asc_idx ON keywords (last_checked_at IS NULL, last_checked_at, id);
CREATE INDEX keywords_last_checked_desc_idx
  ON keywords (last_checked_at IS NULL DESC, last_checked_at, id);
CREATE INDEX keywords_last_rank_asc_idx ON keywords (last_rank IS NULL, last_rank, id);
CREATE INDEX keywords_last_rank_desc_idx ON keywords (last_rank IS NULL DESC, last_rank, id);
CREATE INDEX keywords_due_idx ON keywords (last_checked_at, id) WHERE is_active;

CREATE TABLE keyword_rankings (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  keyword_id          INTEGER NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
  rank                INTEGER,
  rank_type           TEXT NOT NULL DEFAULT 'AD' CHECK (rank_type IN ('AD', 'ORGANIC')),
  checked_at          INTEGER NOT NULL,
  crawling_created_at INTEGER,
  crawling_duration   INTEGER,
  total_duration      INTEGER,
  crawling_method     TEXT,
  request_bytes       INTEGER,
  response_bytes      INTEGER,
  total_network_bytes INTEGER,
  job_id              TEXT,
  job_attempt         INTEGER,
  CONSTRAINT keyword_rankings_job_key
    UNIQUE (job_id, crawling_created_at, job_attempt, rank_type)
);
CREATE INDEX keyword_rankings_keyword_idx ON keyword_rankings (keyword_id, checked_at, id);
CREATE INDEX keyword_rankings_checked_idx ON keyword_rankings (checked_at, id);

CREATE TABLE bulk_searches (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT NOT NULL,
  filename        TEXT,
  total_count     INTEGER NOT NULL DEFAULT 0,
  completed_count INTEGER NOT NULL DEFAULT 0,
  pending_count   INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL DEFAULT 'processing'
                  CHECK (status IN ('processing', 'completed')),
  created_at      INTEGER NOT NULL,
  completed_at    INTEGER
);
CREATE INDEX bulk_searches_created_idx ON bulk_searches (created_at, id);

CREATE TABLE bulk_search_keywords (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  bulk_search_id INTEGER NOT NULL REFERENCES bulk_searches (id) ON DELETE CASCADE,
  keyword_id     INTEGER REFERENCES keywords (id) ON DELETE SET NULL,
  keyword        TEXT NOT NULL,
  url            TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'processing', 'completed', 'cached', 'failed')),
  rank           INTEGER,
  cached_from    INTEGER,
  created_at     INTEGER NOT NULL,
  completed_at   INTEGER
);
CREATE INDEX bulk_search_keywords_bulk_idx ON bulk_search_keywords (bulk_search_id, id);
CREATE INDEX bulk_search_keywords_status_idx ON bulk_search_keywords (bulk_search_id, status, id);
CREATE INDEX bulk_search_keywords_keyword_idx ON bulk_search_keywords (keyword_id);
)sql";

}  // namespace

void apply_store_schema(sql::Database& db) {
  // Not sqlite::apply_schema: PRAGMA user_version is one number per file, and the embedded
  // queue numbers its own steps with it in the same file, so whichever schema was applied
  // first would make the other's step 1 look done. The store keeps its own version row
  // instead; the steps are applied the same way (in order, each in its own IMMEDIATE
  // transaction, a no-op when already applied, so concurrent openers do not race).
  struct Step {
    int version;
    std::string_view sql;
  };
  for (const Step& step : {Step{1, kVersion1}}) {
    sql::Transaction tx(db);
    db.exec("CREATE TABLE IF NOT EXISTS store_schema_version (version INTEGER NOT NULL)");
    auto current = scalar(db.prepare("SELECT max(version) FROM store_schema_version")).value_or(0);
    if (current >= step.version) continue;
    db.exec(step.sql);
    db.prepare("DELETE FROM store_schema_version").run();
    db.prepare("INSERT INTO store_schema_version (version) VALUES (?1)")
        .bind(1, step.version)
        .run();
    tx.commit();
  }
}

}  // namespace crawler::store::sqlite
