// Bulk searches: creation (one transaction, one INSERT ... SELECT for all rows), listing,
// status changes of rows and the counters that follow them (bulk_status.h).
#include <algorithm>
#include <stdexcept>

#include "store/paging.h"
#include "store/postgres/bulk_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/rows.h"
#include "store/postgres/text_array.h"
#include "store/postgres/transaction.h"

namespace crawler::store::postgres {
namespace {

using rows::kBulkKeywordColumnsBK;
using rows::kBulkSearchColumnsB;

std::int64_t ms(Timestamp t) { return t.time_since_epoch().count(); }

// Adds the deltas to a search's counters; its status follows pending_count (the SET
// expressions all read the row's old values).
void apply_delta(Connection& conn, std::int64_t bulk_search_id, BulkCountDelta delta,
                 Timestamp at) {
  if (delta.pending == 0 && delta.completed == 0) return;
  conn.exec(
      "UPDATE bulk_searches SET pending_count = pending_count + $2::int, "
      "completed_count = completed_count + $3::int, "
      "status = CASE WHEN pending_count + $2::int <= 0 THEN 'completed' ELSE 'processing' END, "
      "completed_at = CASE WHEN pending_count + $2::int <= 0 THEN coalesce(completed_at, " +
          rows::ts_param(4) + ") END WHERE id = $1",
      Params()
          .integer(bulk_search_id)
          .integer(delta.pending)
          .integer(delta.completed)
          .integer(ms(at)));
}

}  // namespace

bool move_bulk_row(Connection& conn, std::int64_t row_id, BulkKeywordStatus to,
                   std::optional<int> rank, Timestamp at) {
  auto locked =
      conn.exec("SELECT status, bulk_search_id FROM bulk_search_keywords WHERE id = $1 FOR UPDATE",
                Params().integer(row_id));
  if (locked.empty()) return false;
  auto from = parse_bulk_keyword_status(rows::text(locked[0][0]));
  if (!from || !can_transition(*from, to)) return false;
  bool done = to == BulkKeywordStatus::completed || to == BulkKeywordStatus::failed;
  Params p;
  p.integer(row_id).text(std::string(to_string(to)));
  if (to == BulkKeywordStatus::completed)
    p.optional_integer(rank);
  else
    p.null();
  if (done)
    p.integer(ms(at));
  else
    p.null();
  conn.exec("UPDATE bulk_search_keywords SET status = $2, rank = $3::int, completed_at = " +
                rows::ts_param(4) + " WHERE id = $1",
            p);
  apply_delta(conn, rows::i64(locked[0][1]), count_delta(*from, to), at);
  return true;
}

BulkSearchCreated PostgresStore::create_bulk_search(const NewBulkSearch& search, Timestamp now,
                                                    std::chrono::milliseconds cache_interval) {
  std::vector<std::string> keywords, urls;
  keywords.reserve(search.rows.size());
  urls.reserve(search.rows.size());
  for (const auto& row : search.rows) {
    keywords.push_back(row.keyword);
    urls.push_back(row.url);
  }
  auto conn = pool_->acquire();
  Transaction tx(*conn);
  Params head;
  head.text(search.name);
  if (search.filename)
    head.text(*search.filename);
  else
    head.null();
  head.integer(ms(now));
  auto created = conn->exec(
      "INSERT INTO bulk_searches (name, filename, created_at) VALUES ($1, "
      "$2, " +
          rows::ts_param(3) + ") RETURNING id",
      head);
  std::int64_t id = rows::i64(created[0][0]);

  BulkSearchCreated out;
  if (!search.rows.empty()) {
    // All rows in one statement: the arrays are unnested in file order (ORDINALITY), each row
    // looks up the monitored keyword with its keyword+url (the unique index), and is cached
    // when that keyword was checked after the cutoff. Ids follow file order.
    auto inserted = conn->exec(
        "INSERT INTO bulk_search_keywords AS bk (bulk_search_id, keyword_id, keyword, url, "
        "status, rank, cached_from, created_at, completed_at) "
        "SELECT $1, k.id, r.keyword, r.url, "
        "CASE WHEN c.fresh THEN 'cached' ELSE 'pending' END, "
        "CASE WHEN c.fresh THEN k.last_rank END, CASE WHEN c.fresh THEN k.last_checked_at END, " +
            rows::ts_param(4) + ", CASE WHEN c.fresh THEN " + rows::ts_param(4) +
            " END "
            "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(keyword, url, ord) "
            "LEFT JOIN keywords k ON k.keyword = r.keyword AND k.url = r.url "
            "CROSS JOIN LATERAL (SELECT coalesce(k.last_checked_at > " +
            rows::ts_param(5) +
            ", false) AS fresh) c "
            "ORDER BY r.ord RETURNING " +
            kBulkKeywordColumnsBK,
        Params()
            .integer(id)
            .text(encode_text_array(keywords))
            .text(encode_text_array(urls))
            .integer(ms(now))
            .integer(ms(now - cache_interval)));
    out.keywords.reserve(inserted.size());
    for (const auto& row : inserted) out.keywords.push_back(rows::bulk_keyword(row));
    std::sort(out.keywords.begin(), out.keywords.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  int cached =
      static_cast<int>(std::count_if(out.keywords.begin(), out.keywords.end(), [](const auto& k) {
        return k.status == BulkKeywordStatus::cached;
      }));
  int total = static_cast<int>(out.keywords.size());
  auto counted = conn->exec(
      "UPDATE bulk_searches AS b SET total_count = $2::int, completed_count = $3::int, "
      "pending_count = $4::int, status = CASE WHEN $4::int = 0 THEN 'completed' ELSE "
      "'processing' END, completed_at = CASE WHEN $4::int = 0 THEN b.created_at END "
      "WHERE b.id = $1 RETURNING " +
          std::string(kBulkSearchColumnsB),
      Params().integer(id).integer(total).integer(cached).integer(total - cached));
  out.search = rows::bulk_search(counted.at(0));
  tx.commit();
  return out;
}

BulkSearchPage PostgresStore::list_bulk_searches(int page, int limit) {
  check_page(page, limit);
  auto conn = pool_->acquire();
  auto result = conn->exec(
      std::string("WITH page AS (SELECT * FROM bulk_searches ORDER BY created_at DESC, id DESC "
                  "LIMIT $1 OFFSET $2) SELECT t.total, ") +
          kBulkSearchColumnsB +
          " FROM (SELECT count(*) FROM bulk_searches) t(total) LEFT JOIN page b ON true "
          "ORDER BY b.created_at DESC, b.id DESC",
      Params().integer(limit).integer(page_offset(page, limit)));
  BulkSearchPage out;
  if (result.empty()) return out;
  out.total = rows::i64(result[0][0]);
  for (const auto& row : result)
    if (row[1]) out.bulk_searches.push_back(rows::bulk_search(row, 1));
  return out;
}

std::optional<BulkSearch> PostgresStore::get_bulk_search(std::int64_t id) {
  auto conn = pool_->acquire();
  auto result = conn->exec(
      std::string("SELECT ") + kBulkSearchColumnsB + " FROM bulk_searches b WHERE b.id = $1",
      Params().integer(id));
  if (result.empty()) return std::nullopt;
  return rows::bulk_search(result[0]);
}

BulkKeywordPage PostgresStore::bulk_search_keywords(std::int64_t bulk_search_id, int page,
                                                    int limit,
                                                    std::optional<BulkKeywordStatus> status) {
  check_page(page, limit);
  Params params;
  params.integer(bulk_search_id).integer(limit).integer(page_offset(page, limit));
  std::string where = " WHERE bulk_search_id = $1";
  if (status) {
    params.text(std::string(to_string(*status)));
    where += " AND status = $4";
  }
  auto conn = pool_->acquire();
  auto result =
      conn->exec("WITH page AS (SELECT * FROM bulk_search_keywords" + where +
                     " ORDER BY id LIMIT $2 OFFSET $3) SELECT t.total, " + kBulkKeywordColumnsBK +
                     " FROM (SELECT count(*) FROM bulk_search_keywords" + where +
                     ") t(total) LEFT JOIN page bk ON true ORDER BY bk.id",
                 params);
  BulkKeywordPage out;
  if (result.empty()) return out;
  out.total = rows::i64(result[0][0]);
  for (const auto& row : result)
    if (row[1]) out.keywords.push_back(rows::bulk_keyword(row, 1));
  return out;
}

bool PostgresStore::delete_bulk_search(std::int64_t id) {
  auto conn = pool_->acquire();
  return !conn->exec("DELETE FROM bulk_searches WHERE id = $1 RETURNING id", Params().integer(id))
              .empty();
}

bool PostgresStore::mark_bulk_keyword(std::int64_t bulk_search_keyword_id, BulkKeywordStatus status,
                                      Timestamp now) {
  if (status != BulkKeywordStatus::processing && status != BulkKeywordStatus::failed)
    throw std::invalid_argument("a bulk row can only be marked processing or failed, not " +
                                std::string(to_string(status)));
  auto conn = pool_->acquire();
  Transaction tx(*conn);
  bool moved = move_bulk_row(*conn, bulk_search_keyword_id, status, std::nullopt, now);
  tx.commit();
  return moved;
}

}  // namespace crawler::store::postgres
