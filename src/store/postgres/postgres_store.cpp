// Keywords, ranking reads and reset. See postgres_store.h for the overall design.
#include "store/postgres/postgres_store.h"

#include <stdexcept>

#include "store/like.h"
#include "store/paging.h"
#include "store/postgres/rows.h"
#include "store/postgres/text_array.h"
#include "store/validation.h"

namespace crawler::store::postgres {
namespace {

using rows::kKeywordColumnsK;
using rows::kRankingColumnsRK;

// ORDER BY for each sort key, written against the alias `k`. Each matches one index of
// migration 0002 (or keywords_created_at_idx) exactly, so a page is a short index scan.
const char* order_by(KeywordSort sort, bool ascending) {
  switch (sort) {
    case KeywordSort::created:
      return ascending ? "k.created_at ASC, k.id ASC" : "k.created_at DESC, k.id DESC";
    case KeywordSort::last_checked:
      return ascending ? "k.last_checked_at ASC NULLS LAST, k.id ASC"
                       : "k.last_checked_at DESC NULLS LAST, k.id DESC";
    case KeywordSort::keyword:
      return ascending ? "k.keyword ASC, k.id ASC" : "k.keyword DESC, k.id DESC";
    case KeywordSort::rank:
      return ascending ? "k.last_rank ASC NULLS LAST, k.id ASC"
                       : "k.last_rank DESC NULLS LAST, k.id DESC";
  }
  throw std::invalid_argument("unknown keyword sort");
}

std::optional<Keyword> first_keyword(const std::vector<Connection::Row>& result) {
  if (result.empty()) return std::nullopt;
  return rows::keyword(result.front());
}

}  // namespace

PostgresStore::PostgresStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {
  if (!pool_) throw std::invalid_argument("PostgresStore needs a pool");
}

Keyword PostgresStore::add_keyword(const NewKeyword& keyword) {
  check_target_rank(keyword.target_rank);
  auto conn = pool_->acquire();
  Params params;
  params.text(keyword.keyword)
      .text(keyword.url)
      .text(encode_text_array(keyword.tags))
      .optional_integer(keyword.target_rank);
  // The unique constraint decides; DO NOTHING + a second statement (with a fresh snapshot,
  // so it sees a winner that committed while we waited) finds the existing row. A winner
  // deleted between the two statements is vanishingly rare; then we simply try again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto inserted = conn->exec(std::string("INSERT INTO keywords AS k (keyword, url, tags, "
                                           "target_rank) VALUES ($1, $2, $3::text[], $4::int) "
                                           "ON CONFLICT ON CONSTRAINT keywords_keyword_url_key "
                                           "DO NOTHING RETURNING ") +
                                   kKeywordColumnsK,
                               params);
    if (!inserted.empty()) return rows::keyword(inserted.front());
    auto existing = conn->exec("SELECT id FROM keywords WHERE keyword = $1 AND url = $2",
                               Params().text(keyword.keyword).text(keyword.url));
    if (!existing.empty())
      throw Conflict("keyword already exists for this url", rows::i64(existing[0][0]));
  }
  throw store::Error("keyword insert kept conflicting with a row that then disappeared");
}

std::optional<Keyword> PostgresStore::get_keyword(std::int64_t id) {
  auto conn = pool_->acquire();
  return first_keyword(
      conn->exec(std::string("SELECT ") + kKeywordColumnsK + " FROM keywords k WHERE k.id = $1",
                 Params().integer(id)));
}

KeywordPage PostgresStore::list_keywords(const KeywordQuery& query) {
  check_page(query.page, query.limit);
  Params params;
  std::string where;
  auto add_term = [&](const std::string& term) {
    where += (where.empty() ? " WHERE " : " AND ") + term;
  };
  if (!query.search.empty()) {
    params.text(contains_pattern(query.search));
    auto n = std::to_string(params.next() - 1);
    add_term("(k.keyword ILIKE $" + n + " ESCAPE '\\' OR k.url ILIKE $" + n + " ESCAPE '\\')");
  }
  if (query.tag) {
    params.text(encode_text_array({*query.tag}));
    add_term("k.tags @> $" + std::to_string(params.next() - 1) + "::text[]");
  }
  // Without filters the total is the trigger-maintained keyword_count row (migration 0002);
  // with them it is a count of the matching rows. Either way one statement, one snapshot,
  // and the total arrives even when the page is past the end (LEFT JOIN on an empty page).
  std::string total =
      where.empty() ? "SELECT total FROM keyword_count" : "SELECT count(*) FROM keywords k" + where;
  std::string order = order_by(query.sort_by, query.ascending);
  int limit_n = params.next();
  params.integer(query.limit);
  params.integer(page_offset(query.page, query.limit));
  std::string sql = "WITH page AS (SELECT k.* FROM keywords k" + where + " ORDER BY " + order +
                    " LIMIT $" + std::to_string(limit_n) + " OFFSET $" +
                    std::to_string(limit_n + 1) + ") SELECT t.total, " + kKeywordColumnsK +
                    " FROM (" + total + ") t(total) LEFT JOIN page k ON true ORDER BY " + order;
  auto conn = pool_->acquire();
  auto result = conn->exec(sql, params);
  KeywordPage page;
  if (result.empty()) return page;  // keyword_count row missing: schema not migrated fully
  page.total = rows::opt_i64(result.front()[0]).value_or(0);
  for (const auto& row : result)
    if (row[1]) page.keywords.push_back(rows::keyword(row, 1));
  return page;
}

std::optional<Keyword> PostgresStore::update_keyword(std::int64_t id, const KeywordUpdate& update) {
  if (update.target_rank) check_target_rank(*update.target_rank);
  if (!update.tags && !update.target_rank) return get_keyword(id);
  Params params;
  params.integer(id);
  std::string set;
  if (update.tags) {
    params.text(encode_text_array(*update.tags));
    set += "tags = $" + std::to_string(params.next() - 1) + "::text[]";
  }
  if (update.target_rank) {
    params.optional_integer(*update.target_rank);
    if (!set.empty()) set += ", ";
    set += "target_rank = $" + std::to_string(params.next() - 1) + "::int";
  }
  auto conn = pool_->acquire();
  return first_keyword(conn->exec(
      "UPDATE keywords AS k SET " + set + " WHERE k.id = $1 RETURNING " + kKeywordColumnsK,
      params));
}

bool PostgresStore::delete_keyword(std::int64_t id) {
  auto conn = pool_->acquire();
  // keyword_rankings go with it (ON DELETE CASCADE); bulk rows are unlinked (SET NULL).
  return !conn->exec("DELETE FROM keywords WHERE id = $1 RETURNING id", Params().integer(id))
              .empty();
}

std::vector<Keyword> PostgresStore::due_keywords(Timestamp now, std::chrono::milliseconds interval,
                                                 int limit) {
  check_limit(limit);
  auto cutoff = (now - interval).time_since_epoch().count();
  auto conn = pool_->acquire();
  // Served by keywords_due_idx (last_checked_at NULLS FIRST) WHERE is_active.
  auto result = conn->exec(std::string("SELECT ") + kKeywordColumnsK +
                               " FROM keywords k WHERE k.is_active AND (k.last_checked_at IS "
                               "NULL OR k.last_checked_at < " +
                               rows::ts_param(1) +
                               ") ORDER BY k.last_checked_at ASC NULLS FIRST, k.id ASC LIMIT $2",
                           Params().integer(cutoff).integer(limit));
  std::vector<Keyword> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(rows::keyword(row));
  return out;
}

void PostgresStore::for_each_due_keyword(
    Timestamp now, std::chrono::milliseconds interval, int batch,
    const std::function<void(std::vector<Keyword>&)>& on_batch) {
  check_limit(batch);
  const auto cutoff = (now - interval).time_since_epoch().count();
  auto conn = pool_->acquire();
  // A cursor inside one read-only transaction: one snapshot, rows streamed in batches rather
  // than all held at once, and no keyset paging (whose timestamp comparisons would have to
  // match the column's microsecond precision exactly). The cutoff is our own integer, so it
  // is written into the DECLARE text (utility statements take no bind parameters).
  conn->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    conn->exec(std::string("DECLARE due_keywords NO SCROLL CURSOR FOR SELECT ") + kKeywordColumnsK +
               " FROM keywords k WHERE k.is_active AND (k.last_checked_at IS NULL OR "
               "k.last_checked_at < ('epoch'::timestamptz + " +
               std::to_string(cutoff) +
               "::bigint * interval '1 millisecond')) ORDER BY k.last_checked_at ASC NULLS "
               "FIRST, k.id ASC");
    const std::string fetch = "FETCH FORWARD " + std::to_string(batch) + " FROM due_keywords";
    for (;;) {
      auto result = conn->exec(fetch);
      if (result.empty()) break;
      std::vector<Keyword> keywords;
      keywords.reserve(result.size());
      for (const auto& row : result) keywords.push_back(rows::keyword(row));
      on_batch(keywords);
      if (result.size() < static_cast<std::size_t>(batch)) break;
    }
    conn->exec("COMMIT");
  } catch (...) {
    try {
      conn->exec("ROLLBACK");
    } catch (...) {
      // The pool drops a connection left inside a transaction (reusable() is false).
    }
    throw;
  }
}

std::vector<Ranking> PostgresStore::latest_rankings(int limit,
                                                    std::optional<std::int64_t> keyword_id) {
  check_limit(limit);
  Params params;
  params.integer(limit);
  std::string where;
  if (keyword_id) {
    params.integer(*keyword_id);
    where = " WHERE r.keyword_id = $2";
  }
  auto conn = pool_->acquire();
  auto result = conn->exec(std::string("SELECT ") + kRankingColumnsRK +
                               " FROM keyword_rankings r JOIN keywords k ON k.id = r.keyword_id" +
                               where + " ORDER BY r.checked_at DESC, r.id DESC LIMIT $1",
                           params);
  std::vector<Ranking> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(rows::ranking(row));
  return out;
}

std::vector<Ranking> PostgresStore::keyword_rankings(std::int64_t keyword_id, int limit) {
  return latest_rankings(limit, keyword_id);
}

void PostgresStore::reset() {
  auto conn = pool_->acquire();
  // One statement: all four tables at once (the foreign keys require it) and atomically.
  // The TRUNCATE trigger of migration 0002 zeroes keyword_count in the same transaction.
  conn->exec(
      "TRUNCATE keyword_rankings, bulk_search_keywords, bulk_searches, keywords RESTART "
      "IDENTITY");
}

}  // namespace crawler::store::postgres
