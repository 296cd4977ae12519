// What the SqliteStore's source files share: the schema, column lists and row readers, tags as
// JSON text, the mapping of SQLite errors to store errors, and the write transaction.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sqlite/database.h"
#include "store/errors.h"
#include "store/model.h"
#include "store/sqlite/connection_pool.h"

namespace crawler::store::sqlite {

namespace sql = ::crawler::sqlite;

// Creates or upgrades the store's tables (PRAGMA user_version steps).
void apply_store_schema(sql::Database& db);

inline std::int64_t ms(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp ts(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

std::string encode_tags(const std::vector<std::string>& tags);
// store::Error for text that is not a JSON array of strings.
std::vector<std::string> decode_tags(const std::string& json);

// Column lists (k = keywords, r = keyword_rankings joined with k, b = bulk_searches,
// bk = bulk_search_keywords) and the readers of a row starting at column `first`. The
// unqualified lists are for RETURNING clauses, which do not see table aliases.
extern const char* const kKeywordColumnsK;
extern const char* const kKeywordColumns;
extern const char* const kBulkSearchColumns;
extern const char* const kRankingColumnsRK;
extern const char* const kBulkSearchColumnsB;
extern const char* const kBulkKeywordColumnsBK;
Keyword keyword(const sql::Statement& row, int first = 0);
Ranking ranking(const sql::Statement& row, int first = 0);
BulkSearch bulk_search(const sql::Statement& row, int first = 0);
BulkSearchKeyword bulk_keyword(const sql::Statement& row, int first = 0);

// Throws the store error for a SQLite error: Unavailable for busy/locked (the busy timeout
// ran out), I/O, disk full and cannot-open; Error for everything else. `what` names the call.
[[noreturn]] void throw_store_error(const sql::Error& e, const std::string& what);

// Runs `f`, turning a sqlite::Error into the store's error.
template <class F>
decltype(auto) guarded(const char* what, F&& f) {
  try {
    return f();
  } catch (const sql::Error& e) {
    throw_store_error(e, what);
  }
}

// A leased connection inside BEGIN IMMEDIATE, taken under the store's write mutex (so the
// store's own writers never meet SQLite's busy handler). Rolls back unless committed.
class WriteTx {
 public:
  WriteTx(ConnectionPool& pool, std::mutex& write_mutex)
      : lease_(pool.acquire()), lock_(write_mutex), tx_(*lease_) {}
  sql::Database& db() { return *lease_; }
  void commit() { tx_.commit(); }

 private:
  ConnectionPool::Lease lease_;
  std::unique_lock<std::mutex> lock_;
  sql::Transaction tx_;
};

// A leased connection inside a deferred (read) transaction: every statement in it reads the
// same snapshot.
class ReadTx {
 public:
  explicit ReadTx(ConnectionPool& pool)
      : lease_(pool.acquire()), tx_(*lease_, sql::Transaction::Mode::deferred) {}
  sql::Database& db() { return *lease_; }
  void commit() { tx_.commit(); }

 private:
  ConnectionPool::Lease lease_;
  sql::Transaction tx_;
};

// Steps `st` to the end, calling `on_row(st)` for each row (statements with RETURNING must
// run to completion before COMMIT).
template <class F>
void each_row(sql::Statement& st, F&& on_row) {
  while (st.step()) on_row(st);
}

// The single int64 of a scalar query (nullopt when it returns no row or NULL), stepped to
// the end.
inline std::optional<std::int64_t> scalar(sql::Statement& st) {
  std::optional<std::int64_t> out;
  each_row(st, [&](const sql::Statement& row) {
    if (!out) out = row.optional_int64(0);
  });
  return out;
}

// Moves a bulk_search_keywords row to `to` and its search's counters by the delta of
// bulk_status.h, inside the caller's write transaction. False (nothing changed) when the row
// does not exist or may not move. `rank` is stored for completed; completed_at = `at` for
// completed and failed, NULL otherwise.
bool move_bulk_row(sql::Database& db, std::int64_t row_id, BulkKeywordStatus to,
                   std::optional<int> rank, Timestamp at);

}  // namespace crawler::store::sqlite
