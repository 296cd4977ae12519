// SqliteStore: the Store interface (store/store.h) over one SQLite file, for the embedded mode
// (no DATABASE_URL: everything in DATA_DIR/crawler.db, next to the embedded queue's queue_*
// tables, which this store never touches).
//
// Design:
//   - A small pool of connections (ConnectionPool below), all open on the same file in WAL
//     mode: readers run concurrently and never block the writer. SQLite allows one writer per
//     file, so every write is one BEGIN IMMEDIATE transaction taken under a process-wide
//     write mutex: the store's own writers queue on the mutex instead of on SQLite's
//     sleep-and-retry busy handler, which remains for writers of other connections (the
//     embedded queue, another process on the same file) up to busy_timeout.
//   - Because writers are serialised, uniqueness and idempotence need no row locks: a write
//     transaction reads and writes one consistent state (the unique constraints still decide
//     duplicates, so a second process cannot slip one in either).
//   - for_each_due_keyword walks one read transaction (one snapshot) on its connection while
//     `on_batch` may call other methods, which take another connection: the pool needs at least
//     two connections (the constructor refuses fewer), and one more per walk that may run at
//     the same time as other callers.
//   - Time is stored as integer milliseconds since the epoch (UTC); tags as a JSON array of
//     strings (the tag filter matches whole elements with json_each); search is LIKE with the
//     shared escaping of store/like.h, ESCAPE '\'. SQLite's LIKE folds ASCII letters only
//     (as PostgreSQL's ILIKE does in a C-locale database); Hangul has no case, so Korean
//     searches behave the same on both backends.
//   - Ids are AUTOINCREMENT: a deleted keyword's id is never reused, so a late result for it
//     cannot land on a newer keyword; reset() restarts the sequences at 1.
//   - SQLite errors never leave the store: busy/locked (the busy timeout ran out), I/O and
//     disk-full errors become store::Unavailable, everything else store::Error.
//
// Split by subject: sqlite_store.cpp (keywords, ranking reads, reset), sqlite_record.cpp
// (record_ranking), sqlite_bulk.cpp (bulk searches), schema.cpp, rows.cpp, connection_pool.cpp.
// Requires SQLite >= 3.35 (RETURNING, NULLS LAST, json_each).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/connection_pool.h"
#include "store/store.h"

namespace crawler::store::sqlite {

struct SqliteStoreOptions {
  // Connections to the file; at least 2 (see for_each_due_keyword above).
  int connections = 4;
  // How long a statement waits for another connection's (or process's) write lock before
  // the call fails with store::Unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // How long a call waits for a free connection before failing with store::Unavailable.
  std::chrono::milliseconds acquire_timeout{10000};
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file at `path` and applies the store's schema
  // (PRAGMA user_version-numbered steps; tables keywords, keyword_rankings, bulk_searches,
  // bulk_search_keywords). The directory must exist. Throws store::Error naming the path
  // when the file cannot be used (not a database, unreadable, SQLite too old),
  // store::Unavailable when it is locked past busy_timeout, std::invalid_argument for fewer
  // than 2 connections or a path that is not a file ("" or ":memory:" would give every
  // connection a database of its own).
  explicit SqliteStore(const std::string& path, const SqliteStoreOptions& options = {});
  ~SqliteStore() override;

  Keyword add_keyword(const NewKeyword& keyword) override;
  std::optional<Keyword> get_keyword(std::int64_t id) override;
  KeywordPage list_keywords(const KeywordQuery& query) override;
  std::optional<Keyword> update_keyword(std::int64_t id, const KeywordUpdate& update) override;
  bool delete_keyword(std::int64_t id) override;
  std::vector<Keyword> due_keywords(Timestamp now, std::chrono::milliseconds interval,
                                    int limit) override;
  void for_each_due_keyword(Timestamp now, std::chrono::milliseconds interval, int batch,
                            const std::function<void(std::vector<Keyword>&)>& on_batch) override;

  std::vector<Ranking> latest_rankings(int limit, std::optional<std::int64_t> keyword_id) override;
  std::vector<Ranking> keyword_rankings(std::int64_t keyword_id, int limit) override;
  RankingWriteResult record_ranking(const RankingWrite& write) override;

  BulkSearchCreated create_bulk_search(const NewBulkSearch& search, Timestamp now,
                                       std::chrono::milliseconds cache_interval) override;
  BulkSearchPage list_bulk_searches(int page, int limit) override;
  std::optional<BulkSearch> get_bulk_search(std::int64_t id) override;
  BulkKeywordPage bulk_search_keywords(std::int64_t bulk_search_id, int page, int limit,
                                       std::optional<BulkKeywordStatus> status) override;
  bool delete_bulk_search(std::int64_t id) override;
  bool mark_bulk_keyword(std::int64_t bulk_search_keyword_id, BulkKeywordStatus status,
                         Timestamp now) override;

  void reset() override;

  const std::string& path() const { return pool_->path(); }

 private:
  std::unique_ptr<ConnectionPool> pool_;
  std::mutex write_mutex_;
};

}  // namespace crawler::store::sqlite
