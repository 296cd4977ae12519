// Bulk searches: creation (one transaction), listing, status changes of rows and the counters
// that follow them (bulk_status.h).
#include <stdexcept>

#include "store/paging.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"

namespace crawler::store::sqlite {
namespace {

// Adds the deltas to a search's counters; its status follows pending_count (the SET
// expressions all read the row's old values).
void apply_delta(sql::Database& db, std::int64_t bulk_search_id, BulkCountDelta delta,
                 Timestamp at) {
  if (delta.pending == 0 && delta.completed == 0) return;
  db.prepare(
        "UPDATE bulk_searches SET pending_count = pending_count + ?2, "
        "completed_count = completed_count + ?3, "
        "status = CASE WHEN pending_count + ?2 <= 0 THEN 'completed' ELSE 'processing' END, "
        "completed_at = CASE WHEN pending_count + ?2 <= 0 THEN coalesce(completed_at, ?4) END "
        "WHERE id = ?1")
      .bind(1, bulk_search_id)
      .bind(2, delta.pending)
      .bind(3, delta.completed)
      .bind(4, ms(at))
      .run();
}

}  // namespace

bool move_bulk_row(sql::Database& db, std::int64_t row_id, BulkKeywordStatus to,
                   std::optional<int> rank, Timestamp at) {
  std::optional<BulkKeywordStatus> from;
  std::int64_t bulk_search_id = 0;
  each_row(db.prepare("SELECT status, bulk_search_id FROM bulk_search_keywords WHERE id = ?1")
               .bind(1, row_id),
           [&](const sql::Statement& row) {
             from = parse_bulk_keyword_status(row.text(0));
             bulk_search_id = row.int64(1);
           });
  if (!from || !can_transition(*from, to)) return false;
  const bool done = to == BulkKeywordStatus::completed || to == BulkKeywordStatus::failed;
  auto& update = db.prepare(
      "UPDATE bulk_search_keywords SET status = ?2, rank = ?3, completed_at = ?4 WHERE id = ?1");
  update.bind(1, row_id).bind(2, to_string(to));
  if (to == BulkKeywordStatus::completed)
    update.bind(3, rank);
  else
    update.bind_null(3);
  if (done)
    update.bind(4, ms(at));
  else
    update.bind_null(4);
  update.run();
  apply_delta(db, bulk_search_id, count_delta(*from, to), at);
  return true;
}

BulkSearchCreated SqliteStore::create_bulk_search(const NewBulkSearch& search, Timestamp now,
                                                  std::chrono::milliseconds cache_interval) {
  return guarded("create_bulk_search", [&] {
    WriteTx tx(*pool_, write_mutex_);
    auto& db = tx.db();
    auto id = scalar(db.prepare("INSERT INTO bulk_searches (name, filename, created_at) VALUES "
                                "(?1, ?2, ?3) RETURNING id")
                         .bind(1, search.name)
                         .bind(2, search.filename)
                         .bind(3, ms(now)));
    if (!id) throw Error("SQLite store, create_bulk_search: INSERT returned no row");

    // Row by row in file order (ids follow it): each looks up the monitored keyword with its
    // keyword+url (the unique index) and is cached when that keyword was checked after the
    // cutoff. Prepared statements in one transaction: thousands of rows take milliseconds.
    const std::int64_t cutoff = ms(now - cache_interval);
    BulkSearchCreated out;
    out.keywords.reserve(search.rows.size());
    int cached = 0;
    for (const auto& row : search.rows) {
      BulkSearchKeyword k;
      k.bulk_search_id = *id;
      k.keyword = row.keyword;
      k.url = row.url;
      k.created_at = now;
      std::optional<int> last_rank;
      std::optional<std::int64_t> last_checked;
      each_row(db.prepare("SELECT id, last_rank, last_checked_at FROM keywords "
                          "WHERE keyword = ?1 AND url = ?2")
                   .bind(1, row.keyword)
                   .bind(2, row.url),
               [&](const sql::Statement& found) {
                 k.keyword_id = found.int64(0);
                 if (auto r = found.optional_int64(1)) last_rank = static_cast<int>(*r);
                 last_checked = found.optional_int64(2);
               });
      if (last_checked && *last_checked > cutoff) {
        k.status = BulkKeywordStatus::cached;
        k.rank = last_rank;
        k.cached_from = ts(*last_checked);
        k.completed_at = now;
        ++cached;
      }
      auto& insert = db.prepare(
          "INSERT INTO bulk_search_keywords (bulk_search_id, keyword_id, keyword, url, status, "
          "rank, cached_from, created_at, completed_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id");
      insert.bind(1, *id)
          .bind(2, k.keyword_id)
          .bind(3, k.keyword)
          .bind(4, k.url)
          .bind(5, to_string(k.status))
          .bind(6, k.rank);
      if (k.cached_from)
        insert.bind(7, ms(*k.cached_from));
      else
        insert.bind_null(7);
      insert.bind(8, ms(now));
      if (k.completed_at)
        insert.bind(9, ms(*k.completed_at));
      else
        insert.bind_null(9);
      auto row_id = scalar(insert);
      if (!row_id) throw Error("SQLite store, create_bulk_search: row INSERT returned no row");
      k.id = *row_id;
      out.keywords.push_back(std::move(k));
    }

    const int total = static_cast<int>(out.keywords.size());
    auto& counted = db.prepare(
        std::string("UPDATE bulk_searches SET total_count = ?2, completed_count = ?3, "
                    "pending_count = ?4, status = CASE WHEN ?4 = 0 THEN 'completed' ELSE "
                    "'processing' END, completed_at = CASE WHEN ?4 = 0 THEN created_at END "
                    "WHERE id = ?1 RETURNING ") +
        kBulkSearchColumns);
    counted.bind(1, *id).bind(2, total).bind(3, cached).bind(4, total - cached);
    std::optional<BulkSearch> head;
    each_row(counted, [&](const sql::Statement& row) { head = bulk_search(row); });
    if (!head) throw Error("SQLite store, create_bulk_search: UPDATE returned no row");
    out.search = std::move(*head);
    tx.commit();
    return out;
  });
}

BulkSearchPage SqliteStore::list_bulk_searches(int page, int limit) {
  check_page(page, limit);
  return guarded("list_bulk_searches", [&] {
    ReadTx tx(*pool_);
    BulkSearchPage out;
    out.total = scalar(tx.db().prepare("SELECT count(*) FROM bulk_searches")).value_or(0);
    auto& rows = tx.db().prepare(std::string("SELECT ") + kBulkSearchColumnsB +
                                 " FROM bulk_searches b ORDER BY b.created_at DESC, b.id DESC "
                                 "LIMIT ?1 OFFSET ?2");
    rows.bind(1, limit).bind(2, page_offset(page, limit));
    each_row(rows,
             [&](const sql::Statement& row) { out.bulk_searches.push_back(bulk_search(row)); });
    tx.commit();
    return out;
  });
}

std::optional<BulkSearch> SqliteStore::get_bulk_search(std::int64_t id) {
  return guarded("get_bulk_search", [&] {
    auto db = pool_->acquire();
    std::optional<BulkSearch> out;
    each_row(db->prepare(std::string("SELECT ") + kBulkSearchColumnsB +
                         " FROM bulk_searches b WHERE b.id = ?1")
                 .bind(1, id),
             [&](const sql::Statement& row) { out = bulk_search(row); });
    return out;
  });
}

BulkKeywordPage SqliteStore::bulk_search_keywords(std::int64_t bulk_search_id, int page, int limit,
                                                  std::optional<BulkKeywordStatus> status) {
  check_page(page, limit);
  const std::string where =
      std::string(" WHERE bk.bulk_search_id = ?1") + (status ? " AND bk.status = ?2" : "");
  return guarded("bulk_search_keywords", [&] {
    ReadTx tx(*pool_);
    BulkKeywordPage out;
    auto& count = tx.db().prepare("SELECT count(*) FROM bulk_search_keywords bk" + where);
    count.bind(1, bulk_search_id);
    if (status) count.bind(2, to_string(*status));
    out.total = scalar(count).value_or(0);
    auto& rows = tx.db().prepare(std::string("SELECT ") + kBulkKeywordColumnsBK +
                                 " FROM bulk_search_keywords bk" + where +
                                 " ORDER BY bk.id LIMIT ?3 OFFSET ?4");
    rows.bind(1, bulk_search_id).bind(3, limit).bind(4, page_offset(page, limit));
    if (status) rows.bind(2, to_string(*status));
    each_row(rows, [&](const sql::Statement& row) { out.keywords.push_back(bulk_keyword(row)); });
    tx.commit();
    return out;
  });
}

bool SqliteStore::delete_bulk_search(std::int64_t id) {
  return guarded("delete_bulk_search", [&] {
    WriteTx tx(*pool_, write_mutex_);
    bool deleted =
        scalar(tx.db().prepare("DELETE FROM bulk_searches WHERE id = ?1 RETURNING id").bind(1, id))
            .has_value();
    tx.commit();
    return deleted;
  });
}

bool SqliteStore::mark_bulk_keyword(std::int64_t bulk_search_keyword_id, BulkKeywordStatus status,
                                    Timestamp now) {
  if (status != BulkKeywordStatus::processing && status != BulkKeywordStatus::failed)
    throw std::invalid_argument("a bulk row can only be marked processing or failed, not " +
                                std::string(to_string(status)));
  return guarded("mark_bulk_keyword", [&] {
    WriteTx tx(*pool_, write_mutex_);
    bool moved = move_bulk_row(tx.db(), bulk_search_keyword_id, status, std::nullopt, now);
    tx.commit();
    return moved;
  });
}

}  // namespace crawler::store::sqlite
