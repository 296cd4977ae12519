#include "api/bulk_jobs.h"

#include <boost/json.hpp>
#include <set>

#include "core/json_integer.h"
#include "worker/job_data.h"

namespace crawler::api {
namespace {

constexpr std::size_t kBatch = 500;

std::string job_data(const store::BulkSearchKeyword& row, std::optional<int> target_rank) {
  worker::CrawlJobData data;
  data.keyword_id = row.keyword_id;
  data.keyword = row.keyword;
  data.target_url = row.url;
  data.target_rank = target_rank;
  data.bulk_search_keyword_id = row.id;
  return worker::job_data_json(data);
}

boost::json::object parse_data(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

bool serves_a_bulk_row(const boost::json::object& data) {
  const auto* id = data.if_contains("bulkSearchKeywordId");
  return id != nullptr && !id->is_null();
}

queue::JobOptions bulk_options(std::string job_id, std::int64_t priority) {
  auto opts = queue::crawler_default_job_options();
  opts.job_id = std::move(job_id);
  opts.priority = priority;
  return opts;
}

// Tries to put `row` on its keyword's job (see the header). False: the row needs its own job.
bool attach_to_keyword_job(queue::Queue& queue, const store::BulkSearchKeyword& row) {
  const auto id = std::to_string(*row.keyword_id);
  std::int64_t priority = kBulkPriority;
  std::optional<int> target_rank;
  if (auto state = queue.get_state(id)) {
    using S = queue::JobState;
    if (*state == S::active || *state == S::delayed) return false;
    if (*state == S::waiting || *state == S::paused) {
      auto job = queue.get_job(id);
      if (!job) return false;  // taken or removed meanwhile: do not guess
      auto data = parse_data(job->data);
      if (serves_a_bulk_row(data)) return false;
      if (job->priority > 0 && job->priority < priority) priority = job->priority;
      if (const auto* rank = data.if_contains("targetRank"))
        if (auto n = json_integer(*rank); n && *n >= 1 && *n <= 100000)
          target_rank = static_cast<int>(*n);
    }
    if (!queue.remove(id)) return false;  // a worker locked it meanwhile
  }
  queue.add(job_data(row, target_rank), bulk_options(id, priority));
  auto added = queue.get_job(id);
  if (!added) return false;
  auto added_data = parse_data(added->data);
  const auto* bulk_id = added_data.if_contains("bulkSearchKeywordId");
  return bulk_id != nullptr && bulk_id->is_int64() && bulk_id->as_int64() == row.id;
}

}  // namespace

std::string bulk_job_id(std::int64_t bulk_search_keyword_id) {
  return "bulk-" + std::to_string(bulk_search_keyword_id);
}

int queue_bulk_jobs(queue::Queue& queue, const std::vector<store::BulkSearchKeyword>& rows) {
  int queued = 0;
  std::vector<queue::NewJob> own;
  std::set<std::int64_t> keywords_seen;  // a keyword's job can serve one row of this search
  for (const auto& row : rows) {
    if (row.status != store::BulkKeywordStatus::pending) continue;
    if (row.keyword_id && keywords_seen.insert(*row.keyword_id).second &&
        attach_to_keyword_job(queue, row)) {
      ++queued;
      continue;
    }
    own.push_back({"__default__", job_data(row, std::nullopt),
                   bulk_options(bulk_job_id(row.id), kBulkPriority)});
  }
  for (std::size_t i = 0; i < own.size(); i += kBatch) {
    std::vector<queue::NewJob> batch(
        own.begin() + static_cast<std::ptrdiff_t>(i),
        own.begin() + static_cast<std::ptrdiff_t>(std::min(own.size(), i + kBatch)));
    queued += static_cast<int>(queue.add_bulk(batch).size());
  }
  return queued;
}

}  // namespace crawler::api
