// The crawl job's contract, as the original's producers write it and its consumers read the
// result (one place, so the api, the scheduler and the worker cannot drift apart):
//   data   {keywordId, keyword, targetUrl, targetRank, bulkSearchKeywordId?}
//   result {rank, targetRank, keyword}
// Node producers (the original API, a Bull dashboard) may write numbers as strings or leave
// optional fields null; parsing accepts that and names the field when it cannot.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crawler::worker {

struct CrawlJobData {
  std::optional<std::int64_t> keyword_id;  // null for a bulk row whose keyword is not monitored
  std::string keyword;
  std::string target_url;  // normalised (scheme and leading www. removed)
  std::optional<int> target_rank;
  std::optional<std::int64_t> bulk_search_keyword_id;
};

// Throws std::invalid_argument naming the field that is missing or malformed.
CrawlJobData parse_job_data(std::string_view json);
// The job data every producer (REST routes, bulk search, scheduler) writes; keywordId and
// targetRank are null when absent, bulkSearchKeywordId only present when set.
std::string job_data_json(const CrawlJobData& data);

std::string result_json(std::optional<int> rank, std::optional<int> target_rank,
                        const std::string& keyword);

}  // namespace crawler::worker
