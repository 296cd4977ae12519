#include "worker/crawl_job.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "core/json_integer.h"
#include "core/target_url.h"

namespace crawler::worker {
namespace {

std::optional<std::int64_t> optional_int(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_string() && v.as_string().empty()) return std::nullopt;  // Node's "" for "none"
  if (auto n = json_integer(v)) return n;
  throw std::invalid_argument(std::string("job data: ") + field + " must be an integer");
}

std::string required_string(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || !it->value().is_string() || it->value().as_string().empty())
    throw std::invalid_argument(std::string("job data: ") + field + " must be a non-empty string");
  return std::string(it->value().as_string());
}

}  // namespace

CrawlJobData parse_job_data(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("job data is not a JSON object");
  const auto& o = value.as_object();
  CrawlJobData data;
  data.keyword_id = optional_int(o, "keywordId");
  data.keyword = required_string(o, "keyword");
  auto url = normalize_target_url(required_string(o, "targetUrl"));
  if (!url.error.empty()) throw std::invalid_argument("job data: targetUrl: " + url.error);
  data.target_url = url.value;
  if (auto rank = optional_int(o, "targetRank")) {
    if (*rank < 1 || *rank > 100000)
      throw std::invalid_argument("job data: targetRank must be between 1 and 100000");
    data.target_rank = static_cast<int>(*rank);
  }
  data.bulk_search_keyword_id = optional_int(o, "bulkSearchKeywordId");
  return data;
}

std::string job_data_json(const CrawlJobData& data) {
  auto nullable = [](const auto& v) { return v ? boost::json::value(*v) : nullptr; };
  boost::json::object o{{"keywordId", nullable(data.keyword_id)},
                        {"keyword", data.keyword},
                        {"targetUrl", data.target_url},
                        {"targetRank", nullable(data.target_rank)}};
  if (data.bulk_search_keyword_id) o["bulkSearchKeywordId"] = *data.bulk_search_keyword_id;
  return boost::json::serialize(o);
}

std::string result_json(std::optional<int> rank, std::optional<int> target_rank,
                        const std::string& keyword) {
  boost::json::object o{{"rank", rank ? boost::json::value(*rank) : nullptr},
                        {"targetRank", target_rank ? boost::json::value(*target_rank) : nullptr},
                        {"keyword", keyword}};
  return boost::json::serialize(o);
}

std::string keyword_job_id(std::int64_t keyword_id) { return std::to_string(keyword_id); }

std::string bulk_job_id(std::int64_t bulk_search_keyword_id) {
  return "bulk-" + std::to_string(bulk_search_keyword_id);
}

queue::JobOptions crawl_job_options() {
  queue::JobOptions o;
  o.attempts = 3;
  o.backoff = queue::Backoff{queue::Backoff::Type::exponential, std::chrono::milliseconds(2000)};
  o.remove_on_complete = queue::KeepJobs::keep_last(100);
  o.remove_on_fail = queue::KeepJobs::keep_last(50);
  return o;
}

namespace {

queue::NewJob crawl_job(const CrawlJobData& data, std::string id, std::int64_t priority) {
  queue::NewJob job;
  job.data = job_data_json(data);
  job.opts = crawl_job_options();
  job.opts.job_id = std::move(id);
  job.opts.priority = priority;
  return job;
}

}  // namespace

queue::NewJob keyword_job(const store::Keyword& keyword, std::int64_t priority) {
  return crawl_job({keyword.id, keyword.keyword, keyword.url, keyword.target_rank, {}},
                   keyword_job_id(keyword.id), priority);
}

std::vector<queue::Queue::AddOutcome> enqueue_scheduled(
    queue::Queue& queue, const std::vector<store::Keyword>& keywords) {
  std::vector<queue::NewJob> jobs;
  jobs.reserve(keywords.size());
  for (const auto& k : keywords) jobs.push_back(keyword_job(k, kScheduledPriority));
  return queue.add_bulk_unless_pending(jobs);
}

std::vector<queue::Queue::AddOutcome> enqueue_check_now(
    queue::Queue& queue, const std::vector<store::Keyword>& keywords) {
  std::vector<queue::NewJob> jobs;
  jobs.reserve(keywords.size());
  for (const auto& k : keywords) jobs.push_back(keyword_job(k, kCheckNowPriority));
  // A waiting job may be carrying a bulk-search row: its replacement must carry it too, or
  // that row would stay pending for ever.
  return queue.add_bulk_unless_active(jobs, {"bulkSearchKeywordId"});
}

namespace {

constexpr std::size_t kBulkBatch = 500;

queue::NewJob bulk_job(const store::BulkSearchKeyword& row, std::string id,
                       std::optional<int> target_rank, std::int64_t priority) {
  return crawl_job({row.keyword_id, row.keyword, row.url, target_rank, row.id}, std::move(id),
                   priority);
}

// Tries to put `row` on its keyword's job (see enqueue_bulk). False: the row needs its own.
bool attach_to_keyword_job(queue::Queue& queue, const store::BulkSearchKeyword& row) {
  const auto id = keyword_job_id(*row.keyword_id);
  std::int64_t priority = kBulkPriority;
  std::optional<int> target_rank;
  if (auto state = queue.get_state(id)) {
    using S = queue::JobState;
    if (*state == S::active || *state == S::delayed) return false;
    if (*state == S::waiting || *state == S::paused) {
      auto job = queue.get_job(id);
      if (!job) return false;  // taken or removed meanwhile: do not guess
      // Read leniently: a job another producer wrote is replaced even when it is not ours.
      boost::system::error_code ec;
      auto parsed = boost::json::parse(job->data, ec);
      boost::json::object data;
      if (!ec && parsed.is_object()) data = std::move(parsed.as_object());
      if (const auto* bulk = data.if_contains("bulkSearchKeywordId"); bulk && !bulk->is_null())
        return false;
      if (job->priority > 0 && job->priority < priority) priority = job->priority;
      if (const auto* rank = data.if_contains("targetRank"))
        if (auto n = json_integer(*rank); n && *n >= 1 && *n <= 100000)
          target_rank = static_cast<int>(*n);
    }
  }
  const auto outcome =
      queue.add_bulk_unless_active({bulk_job(row, id, target_rank, priority)}).at(0);
  return outcome != queue::Queue::AddOutcome::skipped;
}

}  // namespace

int enqueue_bulk(queue::Queue& queue, const std::vector<store::BulkSearchKeyword>& rows) {
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
    own.push_back(bulk_job(row, bulk_job_id(row.id), std::nullopt, kBulkPriority));
  }
  for (std::size_t i = 0; i < own.size(); i += kBulkBatch) {
    std::vector<queue::NewJob> batch(
        own.begin() + static_cast<std::ptrdiff_t>(i),
        own.begin() + static_cast<std::ptrdiff_t>(std::min(own.size(), i + kBulkBatch)));
    queued += static_cast<int>(queue.add_bulk(batch).size());
  }
  return queued;
}

std::string enqueue_adhoc(queue::Queue& queue, const CrawlJobData& data) {
  return queue.add(job_data_json(data), crawl_job_options());
}

}  // namespace crawler::worker
