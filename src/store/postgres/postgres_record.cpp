// record_ranking: the worker's one write per crawl result. See Store::record_ranking for the
// contract; the order of steps below is what makes it safe under redelivery and concurrency:
//   1. lock the keyword row (FOR UPDATE): concurrent results for one keyword queue up here,
//      and a keyword deleted meanwhile is seen as gone instead of failing the foreign key;
//   2. insert the ranking with ON CONFLICT DO NOTHING on the job key: the unique constraint,
//      not a prior SELECT, decides "duplicate", so two deliveries of one job racing each
//      other still write one row (the loser finds the winner's committed index entry);
//   3. a duplicate stops here: everything else was done by the first delivery;
//   4. move keywords.last_* only forward in time, then the bulk row (bulk_rows.h).
#include <stdexcept>

#include "store/postgres/bulk_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace crawler::store::postgres {
namespace {

void validate(const RankingWrite& w) {
  if (w.job_id.empty()) throw std::invalid_argument("a ranking needs the job id");
  if (w.rank_type != "AD" && w.rank_type != "ORGANIC")
    throw std::invalid_argument("rank type must be AD or ORGANIC, got \"" + w.rank_type + "\"");
  if (w.job_attempt < 0) throw std::invalid_argument("job attempt must not be negative");
}

}  // namespace

RankingWriteResult PostgresStore::record_ranking(const RankingWrite& w) {
  validate(w);
  RankingWriteResult result;
  auto conn = pool_->acquire();
  Transaction tx(*conn);

  if (w.keyword_id) {
    auto locked = conn->exec(
        "SELECT last_checked_at IS NULL OR last_checked_at <= " + rows::ts_param(2) +
            " FROM keywords WHERE id = $1 FOR UPDATE",
        Params().integer(*w.keyword_id).integer(w.checked_at.time_since_epoch().count()));
    if (!locked.empty()) {
      bool newest = locked[0][0] == "t";
      Params p;
      p.integer(*w.keyword_id)
          .optional_integer(w.rank)
          .text(w.rank_type)
          .integer(w.checked_at.time_since_epoch().count())
          .integer(w.job_created_at.time_since_epoch().count())
          .optional_integer(w.crawling_duration_ms)
          .optional_integer(w.total_duration_ms);
      if (w.crawling_method.empty())
        p.null();
      else
        p.text(w.crawling_method);
      p.optional_integer(w.request_bytes)
          .optional_integer(w.response_bytes)
          .optional_integer(w.total_network_bytes)
          .text(w.job_id)
          .integer(w.job_attempt);
      auto inserted = conn->exec(
          "INSERT INTO keyword_rankings (keyword_id, rank, rank_type, checked_at, "
          "crawling_created_at, crawling_duration, total_duration, crawling_method, "
          "request_bytes, response_bytes, total_network_bytes, job_id, job_attempt) VALUES "
          "($1, $2::int, $3, " +
              rows::ts_param(4) + ", " + rows::ts_param(5) +
              ", $6::int, $7::int, $8, $9::bigint, $10::bigint, $11::bigint, $12, $13::int) "
              "ON CONFLICT ON CONSTRAINT keyword_rankings_job_key DO NOTHING RETURNING id",
          p);
      if (inserted.empty()) {
        result.duplicate = true;
        tx.commit();
        return result;
      }
      result.ranking_id = rows::i64(inserted[0][0]);
      if (newest && w.rank_type == "AD") {
        conn->exec("UPDATE keywords SET last_rank = $2::int, last_checked_at = " +
                       rows::ts_param(3) + " WHERE id = $1",
                   Params()
                       .integer(*w.keyword_id)
                       .optional_integer(w.rank)
                       .integer(w.checked_at.time_since_epoch().count()));
        result.keyword_updated = true;
      }
    }
  }

  if (w.bulk_search_keyword_id)
    result.bulk_row_completed = move_bulk_row(*conn, *w.bulk_search_keyword_id,
                                              BulkKeywordStatus::completed, w.rank, w.checked_at);
  tx.commit();
  return result;
}

}  // namespace crawler::store::postgres
