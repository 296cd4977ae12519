// The storage interface: keywords, their ranking history and bulk searches. The API, the
// worker and the scheduler depend on this, not on PostgreSQL; the PostgreSQL implementation is
// in postgres/, the embedded SQLite one in sqlite/, and both pass the same contract suite
// (tests/integration/store_contract.h), so the behaviour documented here is the specification.
//
// Errors are exceptions (store/errors.h): "not found" is not an error here (std::optional or
// false), a duplicate keyword is (Conflict, carrying the existing id), an unreachable database
// is Unavailable, invalid arguments are std::invalid_argument. Every method is thread-safe and
// every write is atomic: it happens entirely or not at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "store/bulk_status.h"
#include "store/errors.h"
#include "store/model.h"

namespace crawler::store {

class Store {
 public:
  virtual ~Store() = default;

  // ---- keywords -----------------------------------------------------------------------------

  // Inserts an active keyword (created_at = now, never checked). Throws Conflict carrying the
  // existing row's id when (keyword, url) exists, also when concurrent callers race to add
  // the same pair: exactly one wins, the others get Conflict. Comparison is exact (case and
  // whitespace matter; the caller normalises the url). std::invalid_argument for a
  // target_rank < 1.
  virtual Keyword add_keyword(const NewKeyword& keyword) = 0;
  virtual std::optional<Keyword> get_keyword(std::int64_t id) = 0;
  // One page of keywords and the number matching the filters.
  //  - page >= 1 and limit >= 1, else std::invalid_argument; a page past the end is empty
  //    (total still counts every match).
  //  - sort_by created | last_checked | keyword | rank (last_rank), ascending or not; never
  //    checked keywords and keywords without a rank come LAST in both directions; ties are
  //    broken by id in the same direction, so paging is stable.
  //  - search: case-insensitive substring of keyword or url, taken literally (%, _ and \ are
  //    not wildcards); empty = no filter.
  //  - tag: keywords whose tags contain it exactly.
  virtual KeywordPage list_keywords(const KeywordQuery& query) = 0;
  // Changes only tags and/or target_rank (fields absent from `update` keep their value).
  // nullopt when the keyword does not exist; std::invalid_argument for a target_rank < 1.
  virtual std::optional<Keyword> update_keyword(std::int64_t id, const KeywordUpdate& update) = 0;
  // Deletes the keyword and its ranking history. False when it did not exist.
  virtual bool delete_keyword(std::int64_t id) = 0;
  // For the scheduler: active keywords never checked or last checked before now - interval,
  // never-checked first, then oldest check first, then by id; at most `limit` (>= 1).
  virtual std::vector<Keyword> due_keywords(Timestamp now, std::chrono::milliseconds interval,
                                            int limit) = 0;
  // The same keywords in the same order, all of them, handed to `on_batch` in batches of at
  // most `batch` (>= 1) from one consistent snapshot, so a caller that changes keywords (or
  // whose work makes them not due) while walking neither misses nor repeats one. An
  // exception from `on_batch` ends the walk and propagates.
  virtual void for_each_due_keyword(Timestamp now, std::chrono::milliseconds interval, int batch,
                                    const std::function<void(std::vector<Keyword>&)>& on_batch) = 0;

  // ---- rankings -----------------------------------------------------------------------------

  // The newest `limit` rankings (checked_at desc, id desc) with keyword and url joined; only
  // those of `keyword_id` when given (clients send ?keywordId=).
  virtual std::vector<Ranking> latest_rankings(int limit,
                                               std::optional<std::int64_t> keyword_id) = 0;
  // One keyword's history, newest first, at most `limit`. Empty for an unknown keyword.
  virtual std::vector<Ranking> keyword_rankings(std::int64_t keyword_id, int limit) = 0;

  // Records one crawl result, in one transaction:
  //  1. When keyword_id is set and the keyword still exists: inserts the ranking row unless
  //     this (job_id, job_created_at, job_attempt, rank_type) was recorded before. A repeat is
  //     a no-op that returns duplicate = true (nothing below happens either).
  //  2. For an AD result, sets the keyword's last_rank and last_checked_at = checked_at,
  //     unless the keyword already holds a newer check (a late, older result never overwrites
  //     a newer one). ORGANIC results are history only: last_rank is the ad rank, as in the
  //     original.
  //  3. When bulk_search_keyword_id is set and that row is not final: the row becomes
  //     completed with this rank and completed_at = checked_at, and its bulk search's counts
  //     move (bulk_status.h); the search becomes completed, completed_at = checked_at, when no
  //     row is pending or processing any more.
  // std::invalid_argument for an empty job_id or a rank_type other than AD/ORGANIC.
  virtual RankingWriteResult record_ranking(const RankingWrite& write) = 0;

  // ---- bulk searches ------------------------------------------------------------------------

  // Creates the search and all its rows in one transaction. Each row whose keyword+url is a
  // monitored keyword checked after now - cache_interval becomes `cached` with that keyword's
  // last_rank and cached_from = its last_checked_at; every other row is `pending`. Rows carry
  // the matching keyword's id when one exists. The search starts with total_count = rows,
  // completed_count = cached rows, pending_count = pending rows, status "processing", or
  // "completed" (completed_at = now) when nothing is pending, including for zero rows.
  virtual BulkSearchCreated create_bulk_search(const NewBulkSearch& search, Timestamp now,
                                               std::chrono::milliseconds cache_interval) = 0;
  // Newest first (created_at desc, id desc); page >= 1, limit >= 1 (std::invalid_argument).
  virtual BulkSearchPage list_bulk_searches(int page, int limit) = 0;
  virtual std::optional<BulkSearch> get_bulk_search(std::int64_t id) = 0;
  // Rows of one search in file order (by id), optionally only those with `status`; a page
  // past the end or an unknown search is empty with total 0 for the latter.
  virtual BulkKeywordPage bulk_search_keywords(std::int64_t bulk_search_id, int page, int limit,
                                               std::optional<BulkKeywordStatus> status) = 0;
  // Deletes the search and its rows. False when it did not exist.
  virtual bool delete_bulk_search(std::int64_t id) = 0;
  // Moves a row to processing (a worker picked it up) or failed (its job failed for good),
  // keeping the search's counts (a search whose last pending row fails completes). Completed
  // and cached rows are final: returns false and changes nothing, as for an unknown row or a
  // row already in `status`. std::invalid_argument for any other target status.
  virtual bool mark_bulk_keyword(std::int64_t bulk_search_keyword_id, BulkKeywordStatus status,
                                 Timestamp now) = 0;

  // ---- maintenance --------------------------------------------------------------------------

  // Empties keywords, rankings and bulk searches and restarts their ids at 1
  // (POST /api/system/reset).
  virtual void reset() = 0;
};

}  // namespace crawler::store
