// Keywords, ranking reads and reset. See sqlite_store.h for the overall design.
#include "store/sqlite/sqlite_store.h"

#include <exception>
#include <stdexcept>

#include "store/like.h"
#include "store/paging.h"
#include "store/sqlite/rows.h"
#include "store/validation.h"

namespace crawler::store::sqlite {
namespace {

// ORDER BY for each sort key against the alias `k`; each matches one index of schema.cpp.
// NULLS LAST in both directions is spelled (x IS NULL) ASC first, which those indexes carry.
const char* order_by(KeywordSort sort, bool ascending) {
  switch (sort) {
    case KeywordSort::created:
      return ascending ? "k.created_at ASC, k.id ASC" : "k.created_at DESC, k.id DESC";
    case KeywordSort::last_checked:
      return ascending ? "k.last_checked_at IS NULL ASC, k.last_checked_at ASC, k.id ASC"
                       : "k.last_checked_at IS NULL ASC, k.last_checked_at DESC, k.id DESC";
    case KeywordSort::keyword:
      return ascending ? "k.keyword ASC, k.id ASC" : "k.keyword DESC, k.id DESC";
    case KeywordSort::rank:
      return ascending ? "k.last_rank IS NULL ASC, k.last_rank ASC, k.id ASC"
                       : "k.last_rank IS NULL ASC, k.last_rank DESC, k.id DESC";
  }
  throw std::invalid_argument("unknown keyword sort");
}

std::optional<Keyword> first_keyword(sql::Statement& st) {
  std::optional<Keyword> out;
  each_row(st, [&](const sql::Statement& row) {
    if (!out) out = keyword(row);
  });
  return out;
}

std::vector<Keyword> all_keywords(sql::Statement& st) {
  std::vector<Keyword> out;
  each_row(st, [&](const sql::Statement& row) { out.push_back(keyword(row)); });
  return out;
}

const std::string kDueWhere =
    " FROM keywords k WHERE k.is_active AND (k.last_checked_at IS NULL OR k.last_checked_at < "
    "?1) ORDER BY k.last_checked_at ASC, k.id ASC";  // ASC puts NULL (never checked) first

}  // namespace

SqliteStore::SqliteStore(const std::string& path, const SqliteStoreOptions& options) {
  if (options.connections < 2)
    throw std::invalid_argument("SqliteStore needs at least 2 connections, got " +
                                std::to_string(options.connections));
  // Each connection would get a database of its own: the pool needs a file they share.
  if (path.empty() || path == ":memory:")
    throw std::invalid_argument("SqliteStore needs a database file, not \"" + path + "\"");
  if (sqlite3_libversion_number() < 3035000)
    throw Error(std::string("SqliteStore needs SQLite 3.35 or newer, this is ") +
                sqlite3_libversion());
  guarded(("opening " + path).c_str(), [&] {
    pool_ = std::make_unique<ConnectionPool>(path, options.connections,
                                             sql::OpenOptions{.busy_timeout = options.busy_timeout},
                                             options.acquire_timeout);
    auto db = pool_->acquire();
    apply_store_schema(*db);
  });
}

SqliteStore::~SqliteStore() = default;

Keyword SqliteStore::add_keyword(const NewKeyword& keyword) {
  check_target_rank(keyword.target_rank);
  return guarded("add_keyword", [&] {
    WriteTx tx(*pool_, write_mutex_);
    // Writers are serialised, so the lookup and the insert see one state; the unique
    // constraint still stands behind them (another process on the same file).
    auto existing = scalar(tx.db()
                               .prepare("SELECT id FROM keywords WHERE keyword = ?1 AND url = ?2")
                               .bind(1, keyword.keyword)
                               .bind(2, keyword.url));
    if (existing) throw Conflict("keyword already exists for this url", *existing);
    auto& insert = tx.db().prepare(
        std::string("INSERT INTO keywords (keyword, url, tags, target_rank, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING ") +
        kKeywordColumns);
    insert.bind(1, keyword.keyword)
        .bind(2, keyword.url)
        .bind(3, encode_tags(keyword.tags))
        .bind(4, keyword.target_rank)
        .bind(5, ms(now_ms()));
    auto created = first_keyword(insert);
    if (!created) throw Error("SQLite store, add_keyword: INSERT returned no row");
    tx.commit();
    return *created;
  });
}

std::optional<Keyword> SqliteStore::get_keyword(std::int64_t id) {
  return guarded("get_keyword", [&] {
    auto db = pool_->acquire();
    return first_keyword(
        db->prepare(std::string("SELECT ") + kKeywordColumnsK + " FROM keywords k WHERE k.id = ?1")
            .bind(1, id));
  });
}

KeywordPage SqliteStore::list_keywords(const KeywordQuery& query) {
  check_page(query.page, query.limit);
  // Fixed parameter numbers: ?1 search pattern, ?2 tag, ?3 limit, ?4 offset; only the
  // fragments in use appear in the SQL (and only their parameters are bound).
  std::string where;
  auto add_term = [&](const char* term) {
    where += where.empty() ? " WHERE " : " AND ";
    where += term;
  };
  if (!query.search.empty())
    add_term("(k.keyword LIKE ?1 ESCAPE '\\' OR k.url LIKE ?1 ESCAPE '\\')");
  if (query.tag)
    add_term("EXISTS (SELECT 1 FROM json_each(k.tags) t WHERE t.type = 'text' AND t.value = ?2)");
  auto bind_filters = [&](sql::Statement& st) -> sql::Statement& {
    if (!query.search.empty()) st.bind(1, contains_pattern(query.search));
    if (query.tag) st.bind(2, *query.tag);
    return st;
  };
  return guarded("list_keywords", [&] {
    ReadTx tx(*pool_);  // the total and the page from one snapshot
    KeywordPage page;
    page.total = scalar(bind_filters(tx.db().prepare("SELECT count(*) FROM keywords k" + where)))
                     .value_or(0);
    auto& rows = tx.db().prepare(std::string("SELECT ") + kKeywordColumnsK + " FROM keywords k" +
                                 where + " ORDER BY " + order_by(query.sort_by, query.ascending) +
                                 " LIMIT ?3 OFFSET ?4");
    bind_filters(rows).bind(3, query.limit).bind(4, page_offset(query.page, query.limit));
    page.keywords = all_keywords(rows);
    tx.commit();
    return page;
  });
}

std::optional<Keyword> SqliteStore::update_keyword(std::int64_t id, const KeywordUpdate& update) {
  if (update.target_rank) check_target_rank(*update.target_rank);
  if (!update.tags && !update.target_rank) return get_keyword(id);
  std::string set;
  if (update.tags) set += "tags = ?2";
  if (update.target_rank) set += std::string(set.empty() ? "" : ", ") + "target_rank = ?3";
  return guarded("update_keyword", [&] {
    WriteTx tx(*pool_, write_mutex_);
    auto& st = tx.db().prepare("UPDATE keywords SET " + set + " WHERE id = ?1 RETURNING " +
                               kKeywordColumns);
    st.bind(1, id);
    if (update.tags) st.bind(2, encode_tags(*update.tags));
    if (update.target_rank) st.bind(3, *update.target_rank);
    auto updated = first_keyword(st);
    tx.commit();
    return updated;
  });
}

bool SqliteStore::delete_keyword(std::int64_t id) {
  return guarded("delete_keyword", [&] {
    WriteTx tx(*pool_, write_mutex_);
    // keyword_rankings go with it (ON DELETE CASCADE); bulk rows are unlinked (SET NULL).
    bool deleted =
        scalar(tx.db().prepare("DELETE FROM keywords WHERE id = ?1 RETURNING id").bind(1, id))
            .has_value();
    tx.commit();
    return deleted;
  });
}

std::vector<Keyword> SqliteStore::due_keywords(Timestamp now, std::chrono::milliseconds interval,
                                               int limit) {
  check_limit(limit);
  return guarded("due_keywords", [&] {
    auto db = pool_->acquire();
    return all_keywords(
        db->prepare(std::string("SELECT ") + kKeywordColumnsK + kDueWhere + " LIMIT ?2")
            .bind(1, ms(now - interval))
            .bind(2, limit));
  });
}

void SqliteStore::for_each_due_keyword(Timestamp now, std::chrono::milliseconds interval, int batch,
                                       const std::function<void(std::vector<Keyword>&)>& on_batch) {
  check_limit(batch);
  // The callback's exception propagates as it is (it may well be a sqlite::Error of the
  // embedded queue, which is not ours to translate).
  std::exception_ptr from_callback;
  guarded("for_each_due_keyword", [&] {
    // One read transaction on this connection: the statement steps through one snapshot
    // while the callback's own calls (other connections) commit around it.
    ReadTx tx(*pool_);
    auto& st = tx.db()
                   .prepare(std::string("SELECT ") + kKeywordColumnsK + kDueWhere)
                   .bind(1, ms(now - interval));
    std::vector<Keyword> keywords;
    auto hand_over = [&] {
      try {
        on_batch(keywords);
      } catch (...) {
        from_callback = std::current_exception();
      }
      keywords.clear();
    };
    while (!from_callback && st.step()) {
      keywords.push_back(keyword(st));
      if (keywords.size() == static_cast<std::size_t>(batch)) hand_over();
    }
    if (!from_callback && !keywords.empty()) hand_over();
    st.reset();  // end the statement before the transaction
    if (!from_callback) tx.commit();
  });
  if (from_callback) std::rethrow_exception(from_callback);
}

std::vector<Ranking> SqliteStore::latest_rankings(int limit,
                                                  std::optional<std::int64_t> keyword_id) {
  check_limit(limit);
  return guarded("latest_rankings", [&] {
    auto db = pool_->acquire();
    auto& st = db->prepare(std::string("SELECT ") + kRankingColumnsRK +
                           " FROM keyword_rankings r JOIN keywords k ON k.id = r.keyword_id" +
                           (keyword_id ? " WHERE r.keyword_id = ?2" : "") +
                           " ORDER BY r.checked_at DESC, r.id DESC LIMIT ?1");
    st.bind(1, limit);
    if (keyword_id) st.bind(2, *keyword_id);
    std::vector<Ranking> out;
    each_row(st, [&](const sql::Statement& row) { out.push_back(ranking(row)); });
    return out;
  });
}

std::vector<Ranking> SqliteStore::keyword_rankings(std::int64_t keyword_id, int limit) {
  return latest_rankings(limit, keyword_id);
}

void SqliteStore::reset() {
  guarded("reset", [&] {
    WriteTx tx(*pool_, write_mutex_);
    // Children first (the foreign keys), then the AUTOINCREMENT counters of our tables only
    // (sqlite_sequence is shared with every other table of the file).
    tx.db().exec(
        "DELETE FROM keyword_rankings; DELETE FROM bulk_search_keywords; "
        "DELETE FROM bulk_searches; DELETE FROM keywords; "
        "DELETE FROM sqlite_sequence WHERE name IN ('keyword_rankings', 'bulk_search_keywords', "
        "'bulk_searches', 'keywords')");
    tx.commit();
  });
}

}  // namespace crawler::store::sqlite
