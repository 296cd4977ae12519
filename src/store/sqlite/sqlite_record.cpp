// record_ranking: the worker's one write per crawl result (see Store::record_ranking). One
// IMMEDIATE transaction under the store's write mutex, so the steps below see and leave one
// consistent state however many deliveries of a job race:
//   1. the keyword (still there? last checked when?);
//   2. the ranking row, INSERT ... ON CONFLICT DO NOTHING on the job key: the unique
//      constraint, not a prior SELECT, decides "duplicate" (also against another process);
//   3. a duplicate stops here: everything else was done by the first delivery;
//   4. keywords.last_* move only forward in time, then the bulk row (move_bulk_row).
#include <stdexcept>

#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/validation.h"

namespace crawler::store::sqlite {
namespace {

// Steps 1-4 for the keyword; false when this job's ranking was recorded before.
bool record_for_keyword(sql::Database& db, const RankingWrite& w, RankingWriteResult& result) {
  bool exists = false;
  std::optional<std::int64_t> last_checked;
  each_row(db.prepare("SELECT last_checked_at FROM keywords WHERE id = ?1").bind(1, *w.keyword_id),
           [&](const sql::Statement& row) {
             exists = true;
             last_checked = row.optional_int64(0);
           });
  if (!exists) return true;  // deleted while the job ran: only the bulk row may move

  auto& insert = db.prepare(
      "INSERT INTO keyword_rankings (keyword_id, rank, rank_type, checked_at, "
      "crawling_created_at, crawling_duration, total_duration, crawling_method, request_bytes, "
      "response_bytes, total_network_bytes, job_id, job_attempt) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
      "ON CONFLICT (job_id, crawling_created_at, job_attempt, rank_type) DO NOTHING "
      "RETURNING id");
  insert.bind(1, *w.keyword_id)
      .bind(2, w.rank)
      .bind(3, w.rank_type)
      .bind(4, ms(w.checked_at))
      .bind(5, ms(w.job_created_at))
      .bind(6, w.measured.crawling_duration_ms)
      .bind(7, w.measured.total_duration_ms);
  if (w.measured.crawling_method.empty())
    insert.bind_null(8);
  else
    insert.bind(8, w.measured.crawling_method);
  insert.bind(9, w.measured.request_bytes)
      .bind(10, w.measured.response_bytes)
      .bind(11, w.measured.total_network_bytes)
      .bind(12, w.job_id)
      .bind(13, w.job_attempt);
  result.ranking_id = scalar(insert);
  if (!result.ranking_id) {
    result.duplicate = true;
    return false;
  }
  const bool newest = !last_checked || *last_checked <= ms(w.checked_at);
  if (w.rank_type == "AD" && newest) {
    db.prepare("UPDATE keywords SET last_rank = ?2, last_checked_at = ?3 WHERE id = ?1")
        .bind(1, *w.keyword_id)
        .bind(2, w.rank)
        .bind(3, ms(w.checked_at))
        .run();
    result.keyword_updated = true;
  }
  return true;
}

}  // namespace

RankingWriteResult SqliteStore::record_ranking(const RankingWrite& w) {
  check_ranking_write(w);
  return guarded("record_ranking", [&] {
    RankingWriteResult result;
    WriteTx tx(*pool_, write_mutex_);
    if (w.keyword_id && !record_for_keyword(tx.db(), w, result)) {
      tx.commit();
      return result;
    }
    if (w.bulk_search_keyword_id)
      result.bulk_row_completed = move_bulk_row(tx.db(), *w.bulk_search_keyword_id,
                                                BulkKeywordStatus::completed, w.rank, w.checked_at);
    tx.commit();
    return result;
  });
}

}  // namespace crawler::store::sqlite
