// The values the Store interface exchanges: plain structs, no behaviour, no backend types.
// Timestamps are UTC instants with millisecond precision (what JSON clients'
// JavaScript Dates carry); a backend storing finer precision rounds to the millisecond.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/bulk_status.h"

namespace crawler::store {

using Clock = std::chrono::system_clock;
// The type of core/clock.h's now_ms(), the store's "now".
using Timestamp = std::chrono::time_point<Clock, std::chrono::milliseconds>;

// ---- keywords -------------------------------------------------------------------------------

struct Keyword {
  std::int64_t id = 0;
  std::string keyword;
  std::string url;  // normalised: no scheme, no leading "www."
  std::vector<std::string> tags;
  std::optional<int> target_rank;
  std::optional<int> last_rank;
  std::optional<Timestamp> last_checked_at;
  bool is_active = true;
  Timestamp created_at{};
};

struct NewKeyword {
  std::string keyword;
  std::string url;  // already normalised
  std::vector<std::string> tags;
  std::optional<int> target_rank;
};

enum class KeywordSort { created, last_checked, keyword, rank };

struct KeywordQuery {
  int page = 1;  // 1-based
  int limit = 100;
  KeywordSort sort_by = KeywordSort::created;
  bool ascending = false;
  std::string search;              // substring of keyword or url, case-insensitive; "" = all
  std::optional<std::string> tag;  // keywords carrying this tag
};

struct KeywordPage {
  std::vector<Keyword> keywords;
  std::int64_t total = 0;  // rows matching the filters, regardless of page and limit
};

struct KeywordUpdate {
  std::optional<std::vector<std::string>> tags;
  std::optional<std::optional<int>> target_rank;  // set (possibly to null) when present
};

// ---- rankings -------------------------------------------------------------------------------

// What the crawl behind a ranking measured: written with the result and read back with it, so
// the write and the read carry the same struct.
struct CrawlMeasurement {
  std::optional<std::int64_t> crawling_duration_ms;  // the crawl itself, all attempts
  std::optional<std::int64_t> total_duration_ms;     // since the job was created
  std::string crawling_method;                       // "http" | "browser"
  std::optional<std::int64_t> request_bytes;
  std::optional<std::int64_t> response_bytes;
  std::optional<std::int64_t> total_network_bytes;
};

struct Ranking {
  std::int64_t id = 0;
  std::int64_t keyword_id = 0;
  std::optional<int> rank;  // nullopt: not found
  std::string rank_type;    // "AD" | "ORGANIC"
  Timestamp checked_at{};
  std::optional<Timestamp> crawling_created_at;
  CrawlMeasurement measured;
  std::string job_id;
  std::optional<int> job_attempt;
  // Joined from keywords for the "latest rankings" listing.
  std::string keyword;
  std::string url;
};

// One crawl result as the worker reports it. (job_id, job_created_at, job_attempt, rank_type)
// identifies the write: the same job attempt reported twice (a redelivered or duplicated job)
// is stored once.
struct RankingWrite {
  // The monitored keyword; nullopt for a bulk-search row whose keyword+url is not monitored
  // (then only the bulk row is updated, no ranking row can exist).
  std::optional<std::int64_t> keyword_id;
  std::optional<int> rank;       // nullopt: not found
  std::string rank_type = "AD";  // "AD" | "ORGANIC"
  Timestamp checked_at{};
  std::string job_id;  // required, non-empty
  Timestamp job_created_at{};
  int job_attempt = 1;
  CrawlMeasurement measured;
  std::optional<std::int64_t> bulk_search_keyword_id;
};

struct RankingWriteResult {
  // True when this job attempt had already been recorded: nothing was changed.
  bool duplicate = false;
  // The new ranking row; nullopt for a duplicate, without keyword_id, or when the keyword was
  // deleted while the job ran (a result for a deleted keyword is dropped, not an error).
  std::optional<std::int64_t> ranking_id;
  // True when keywords.last_rank/last_checked_at took this result (false for an older result
  // arriving after a newer one, and for ORGANIC rows, see Store::record_ranking).
  bool keyword_updated = false;
  // True when the bulk search row moved to completed by this call.
  bool bulk_row_completed = false;
};

// ---- bulk searches --------------------------------------------------------------------------

struct BulkSearch {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> filename;
  int total_count = 0;
  int completed_count = 0;  // rows completed or cached
  int pending_count = 0;    // rows pending or processing (failed rows are in neither count)
  std::string status;       // "processing" | "completed"
  Timestamp created_at{};
  std::optional<Timestamp> completed_at;
};

struct BulkSearchKeyword {
  std::int64_t id = 0;
  std::int64_t bulk_search_id = 0;
  std::optional<std::int64_t> keyword_id;  // the monitored keyword with this keyword+url, if any
  std::string keyword;
  std::string url;
  BulkKeywordStatus status = BulkKeywordStatus::pending;
  std::optional<int> rank;
  std::optional<Timestamp> cached_from;  // for cached rows: when the reused result was taken
  Timestamp created_at{};
  std::optional<Timestamp> completed_at;
};

struct NewBulkSearch {
  std::string name;
  std::optional<std::string> filename;
  struct Row {
    std::string keyword;
    std::string url;  // already normalised
  };
  std::vector<Row> rows;  // in file order; duplicates allowed (each is its own row)
};

struct BulkSearchCreated {
  BulkSearch search;
  std::vector<BulkSearchKeyword> keywords;  // in file order; the pending ones need a crawl job
};

struct BulkSearchPage {
  std::vector<BulkSearch> bulk_searches;
  std::int64_t total = 0;
};

struct BulkKeywordPage {
  std::vector<BulkSearchKeyword> keywords;
  std::int64_t total = 0;
};

}  // namespace crawler::store
