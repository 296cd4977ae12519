// record_ranking: the worker's one write per crawl result. See Store::record_ranking for the
// contract; the order of steps below is what makes it safe under redelivery and concurrency:
//   1. lock the keyword row (FOR UPDATE): concurrent results for one keyword queue up here,
//      and a keyword deleted meanwhile is seen as gone instead of failing the foreign key;
//   2. insert the ranking with ON CONFLICT DO NOTHING on the job key: the unique constraint,
//      not a prior SELECT, decides "duplicate", so two deliveries of one job racing each
//      other still write one row (the loser finds the winner's committed index entry);
//   3. a duplicate stops here: everything else was done by the first delivery;
//   4. move keywords.last_* only forward in time, then the bulk row (bulk_rows.h).
// Steps 1-4 for the keyword are one statement (data-modifying CTEs), prepared once per
// connection: a monitored keyword's result (the worker's usual write) is one round trip in
// the statement's implicit transaction instead of five (BEGIN, three statements, COMMIT),
// each of which cost PostgreSQL parsing, planning and a wake-up. A bulk-search result wraps
// that statement and the bulk row's update in one explicit transaction.
#include <stdexcept>

#include "store/postgres/bulk_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"
#include "store/validation.h"

namespace crawler::store::postgres {
namespace {

// Row locks in a CTE are taken when the CTE is read; MATERIALIZED keeps k one scan that
// both readers share. Under READ COMMITTED a row updated by a transaction that committed
// while we waited for the lock is re-read at its newest version, so `newest` compares with
// the latest last_checked_at, as the SELECT ... FOR UPDATE of a separate statement did.
// The UPDATE runs only when the INSERT returned a row (not a duplicate) and the keyword
// was locked; it returns whether the keyword moved.
const std::string& record_sql() {
  static const std::string sql =
      "WITH k AS MATERIALIZED (SELECT id, last_checked_at IS NULL OR last_checked_at <= " +
      rows::ts_param(4) +
      " AS newest FROM keywords WHERE id = $1 FOR UPDATE), "
      "ins AS (INSERT INTO keyword_rankings (keyword_id, rank, rank_type, checked_at, "
      "crawling_created_at, crawling_duration, total_duration, crawling_method, "
      "request_bytes, response_bytes, total_network_bytes, job_id, job_attempt) "
      "SELECT k.id, $2::int, $3, " +
      rows::ts_param(4) + ", " + rows::ts_param(5) +
      ", $6::int, $7::int, $8, $9::bigint, $10::bigint, $11::bigint, $12, $13::int FROM k "
      "ON CONFLICT ON CONSTRAINT keyword_rankings_job_key DO NOTHING RETURNING id), "
      "upd AS (UPDATE keywords SET last_rank = $2::int, last_checked_at = " +
      rows::ts_param(4) +
      " WHERE id = $1 AND $3 = 'AD' AND (SELECT newest FROM k) AND EXISTS (SELECT 1 FROM ins) "
      "RETURNING id) "
      "SELECT EXISTS (SELECT 1 FROM k), (SELECT id FROM ins), EXISTS (SELECT 1 FROM upd)";
  return sql;
}

// Steps 1-4 for the keyword; false when this job's ranking was recorded before.
bool record_for_keyword(Connection& conn, const RankingWrite& w, RankingWriteResult& result) {
  Params p;
  p.integer(*w.keyword_id)
      .optional_integer(w.rank)
      .text(w.rank_type)
      .integer(w.checked_at.time_since_epoch().count())
      .integer(w.job_created_at.time_since_epoch().count())
      .optional_integer(w.measured.crawling_duration_ms)
      .optional_integer(w.measured.total_duration_ms);
  if (w.measured.crawling_method.empty())
    p.null();
  else
    p.text(w.measured.crawling_method);
  p.optional_integer(w.measured.request_bytes)
      .optional_integer(w.measured.response_bytes)
      .optional_integer(w.measured.total_network_bytes)
      .text(w.job_id)
      .integer(w.job_attempt);
  const auto row = conn.exec_prepared("record_ranking", record_sql(), p).at(0);
  const bool keyword_exists = row[0] == "t";
  result.ranking_id = rows::opt_i64(row[1]);
  result.keyword_updated = row[2] == "t";
  if (keyword_exists && !result.ranking_id) {
    result.duplicate = true;
    return false;
  }
  return true;
}

}  // namespace

RankingWriteResult PostgresStore::record_ranking(const RankingWrite& w) {
  check_ranking_write(w);
  RankingWriteResult result;
  auto conn = pool_->acquire();
  if (w.keyword_id && !w.bulk_search_keyword_id) {
    record_for_keyword(*conn, w, result);
    return result;
  }

  Transaction tx(*conn);
  if (w.keyword_id && !record_for_keyword(*conn, w, result)) {
    tx.commit();
    return result;
  }
  if (w.bulk_search_keyword_id)
    result.bulk_row_completed = move_bulk_row(*conn, *w.bulk_search_keyword_id,
                                              BulkKeywordStatus::completed, w.rank, w.checked_at);
  tx.commit();
  return result;
}

}  // namespace crawler::store::postgres
