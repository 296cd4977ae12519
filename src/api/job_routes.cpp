// Thin adapters over queue::Queue; how a crawl job is made and queued (ids, priorities,
// options, "check now") is worker/crawl_job.h's.
#include "api/job_routes.h"

#include <boost/json.hpp>

#include "api/api_error.h"
#include "api/handler.h"
#include "api/json_io.h"
#include "api/params.h"
#include "api/queue_admin.h"
#include "core/target_url.h"
#include "worker/crawl_job.h"

namespace crawler::api {
namespace {

constexpr std::size_t kMaxPriorityIds = 1000;

// Job data and results are stored as JSON text; answer them as JSON when they are.
boost::json::value json_or_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec) return boost::json::string(*text);
  return v;
}

boost::json::value job_summary(const queue::Job& job, queue::JobState state) {
  return boost::json::object{
      {"id", job.id},
      {"data", json_or_text(job.data)},
      {"status", queue::to_string(state)},
      {"progress", json_or_text(job.progress)},
      {"finishedOn", job.finished_on ? boost::json::value(*job.finished_on) : nullptr},
      {"failedReason", job.failed_reason ? boost::json::value(*job.failed_reason) : nullptr}};
}

http::Response enqueue(queue::Queue& queue, http::Request& req) {
  auto body = parse_object(req);
  auto keyword_id = get_int(body, "keywordId", 1, INT64_MAX);
  auto keyword = get_string(body, "keyword", 255);
  auto target_url = get_string(body, "targetUrl", 2048);
  auto target_rank = get_int(body, "targetRank", 1, 1000);
  if (!keyword_id) throw BadRequest("keywordId is required");
  if (!keyword || keyword->empty()) throw BadRequest("keyword is required");
  if (!target_url || target_url->empty()) throw BadRequest("targetUrl is required");
  auto url = normalize_target_url(*target_url);
  if (!url.error.empty()) throw BadRequest("targetUrl: " + url.error);
  worker::CrawlJobData data;
  data.keyword_id = *keyword_id;
  data.keyword = *keyword;
  data.target_url = url.value;
  if (target_rank) data.target_rank = static_cast<int>(*target_rank);
  auto id = worker::enqueue_adhoc(queue, data);
  return ok(boost::json::object{{"jobId", id}, {"status", "waiting"}});
}

http::Response enqueue_priority(queue::Queue& queue, store::Store& store, http::Request& req) {
  auto body = parse_object(req);
  auto it = body.find("ids");
  if (it == body.end() || !it->value().is_array())
    throw BadRequest("ids must be an array of keyword ids");
  const auto& raw = it->value().as_array();
  if (raw.empty()) throw BadRequest("ids must not be empty");
  if (raw.size() > kMaxPriorityIds)
    throw BadRequest("ids has more than " + std::to_string(kMaxPriorityIds) + " items");
  std::vector<std::int64_t> ids;
  for (const auto& v : raw) {
    boost::json::object one{{"id", v}};
    ids.push_back(*get_int(one, "id", 1, INT64_MAX));  // throws "id must be an integer"
  }
  std::vector<store::Keyword> found;
  for (auto id : ids)
    if (auto keyword = store.get_keyword(id)) found.push_back(std::move(*keyword));
  const auto outcomes = worker::enqueue_check_now(queue, found);
  boost::json::array results;
  std::int64_t queued = 0;
  std::size_t next = 0;
  for (auto id : ids) {
    if (next == found.size() || found[next].id != id) {
      results.push_back({{"keywordId", id}, {"status", "not_found"}});
      continue;
    }
    if (outcomes[next++] == queue::Queue::AddOutcome::skipped) {
      results.push_back({{"keywordId", id}, {"status", "already_active"}});
      continue;
    }
    ++queued;
    results.push_back(
        {{"keywordId", id}, {"status", "queued"}, {"jobId", worker::keyword_job_id(id)}});
  }
  return ok(boost::json::object{{"queued", queued}, {"results", std::move(results)}});
}

http::Response queue_status(queue::Queue& queue) {
  auto counts = queue.get_job_counts();
  boost::json::array jobs;
  using S = queue::JobState;
  for (auto state : {S::active, S::waiting, S::delayed}) {
    if (jobs.size() >= 100) break;
    auto remaining = static_cast<std::int64_t>(100 - jobs.size());
    for (const auto& job : queue.get_jobs({state}, 0, remaining - 1, true))
      jobs.push_back(job_summary(job, state));
  }
  return ok(boost::json::object{{"waiting", counts.waiting},
                                {"active", counts.active},
                                {"completed", counts.completed},
                                {"failed", counts.failed},
                                {"delayed", counts.delayed},
                                {"paused", counts.paused},
                                {"jobs", std::move(jobs)}});
}

// The dashboard's view of a job: the summary plus what a person needs to judge a failure.
boost::json::value job_detail(const queue::Job& job, queue::JobState state) {
  auto v = job_summary(job, state);
  auto& o = v.as_object();
  o["attemptsMade"] = job.attempts_made;
  o["attempts"] = job.opts.attempts;
  o["priority"] = job.priority;
  o["timestamp"] = job.timestamp;
  o["processedOn"] = job.processed_on ? boost::json::value(*job.processed_on) : nullptr;
  return v;
}

http::Response list_jobs_route(queue::Queue& queue, http::Request& req) {
  auto state_name =
      query_enum(req, "state", "", {"waiting", "active", "delayed", "completed", "failed"});
  if (state_name.empty())
    throw BadRequest("state is required: waiting | active | delayed | completed | failed");
  auto state = queue::job_state_from_string(state_name);
  auto page = query_int(req, "page", 1, 1, 1'000'000);
  auto limit = query_int(req, "limit", 50, 1, 500);
  auto result = list_jobs(queue, state, page, limit);
  boost::json::array jobs;
  for (const auto& job : result.jobs) jobs.push_back(job_detail(job, state));
  return ok(boost::json::object{{"state", state_name},
                                {"jobs", std::move(jobs)},
                                {"total", result.total},
                                {"page", page},
                                {"limit", limit}});
}

std::string job_id_param(const http::Request& req) {
  auto id = req.params.at("id");
  if (id.empty() || id.size() > 128) throw BadRequest("id must be 1-128 characters");
  return id;
}

http::Response get_job(queue::Queue& queue, http::Request& req) {
  auto id = job_id_param(req);
  auto job = queue.get_job(id);
  auto state = job ? queue.get_state(id) : std::nullopt;
  if (!job || !state) throw NotFound("Job not found");
  return ok(boost::json::object{
      {"id", job->id},
      {"status", queue::to_string(*state)},
      {"result", json_or_text(job->return_value)},
      {"finishedOn", job->finished_on ? boost::json::value(*job->finished_on) : nullptr}});
}

http::Response delete_job(queue::Queue& queue, http::Request& req) {
  auto id = job_id_param(req);
  if (!queue.get_state(id)) throw NotFound("Job not found");
  if (!queue.remove(id)) throw ApiError(409, "Job is being processed; try again when it ends");
  return ok(boost::json::object{{"id", id}});
}

http::Response retry_job(queue::Queue& queue, http::Request& req) {
  auto id = job_id_param(req);
  auto state = queue.get_state(id);
  if (!state) throw NotFound("Job not found");
  if (*state != queue::JobState::failed)
    throw ApiError(409, "Only a failed job can be retried; this one is " +
                            std::string(queue::to_string(*state)));
  queue.retry(id);  // a race with another retry: InvalidJobState → 409
  return ok(boost::json::object{{"id", id}, {"status", "waiting"}});
}

}  // namespace

void add_job_routes(http::Router& router, queue::Queue& queue, store::Store& store) {
  router.post("/api/jobs/enqueue", handle([&queue](http::Request& r) { return enqueue(queue, r); }),
              {.summary = "Queue a crawl job",
               .tag = "jobs",
               .request_schema = "EnqueueJob",
               .response_schema = "Enqueued",
               .errors = {400}});
  router.post("/api/jobs/enqueue/priority", handle([&queue, &store](http::Request& r) {
                return enqueue_priority(queue, store, r);
              }),
              {.summary = "Check keywords now: queue them ahead of scheduled work (priority 1)",
               .tag = "jobs",
               .request_schema = "PriorityIds",
               .response_schema = "PriorityResult",
               .errors = {400}});
  router.get("/api/jobs/queue", handle([&queue](http::Request&) { return queue_status(queue); }),
             {.summary = "Queue counts and up to 100 active, waiting and delayed jobs",
              .tag = "jobs",
              .response_schema = "QueueStatus"});
  router.post("/api/jobs/clean", handle([&queue](http::Request&) {
                queue.obliterate(true);
                return ok(boost::json::object{{"cleaned", true}});
              }),
              {.summary = "Remove every job of the queue (Bull's obliterate with force)",
               .tag = "jobs",
               .response_schema = "Cleaned"});
  // Before "/api/jobs/:id", which would otherwise take "list".
  router.get("/api/jobs/list",
             handle([&queue](http::Request& r) { return list_jobs_route(queue, r); }),
             {.summary = "Jobs in one state, a page at a time (failed and completed newest first)",
              .tag = "jobs",
              .params = {{"state", "query", "string", true,
                          "waiting | active | delayed | completed | failed"},
                         {"page", "query", "integer", false, "1-based page (default 1)"},
                         {"limit", "query", "integer", false, "jobs per page, 1-500 (default 50)"}},
              .response_schema = "JobList",
              .errors = {400}});
  router.post(
      "/api/jobs/retry-failed", handle([&queue](http::Request& r) {
        auto max = query_int(r, "max", 10'000, 1, 100'000);
        auto result = retry_all_failed(queue, max);
        return ok(boost::json::object{{"retried", result.retried}, {"skipped", result.skipped}});
      }),
      {.summary = "Move every failed job back to waiting (at most `max`, default 10000)",
       .tag = "jobs",
       .params = {{"max", "query", "integer", false, "most jobs to retry"}},
       .response_schema = "RetriedAll",
       .errors = {400}});
  router.post("/api/jobs/:id/retry",
              handle([&queue](http::Request& r) { return retry_job(queue, r); }),
              {.summary = "Move one failed job back to waiting",
               .tag = "jobs",
               .params = {{"id", "path", "string", true, "job id"}},
               .response_schema = "Retried",
               .errors = {400, 404, 409}});
  router.get("/api/jobs/:id", handle([&queue](http::Request& r) { return get_job(queue, r); }),
             {.summary = "One job's state and result",
              .tag = "jobs",
              .params = {{"id", "path", "string", true, "job id"}},
              .response_schema = "JobResult",
              .errors = {400, 404}});
  router.del("/api/jobs/:id", handle([&queue](http::Request& r) { return delete_job(queue, r); }),
             {.summary = "Remove a job that is not being processed",
              .tag = "jobs",
              .params = {{"id", "path", "string", true, "job id"}},
              .response_schema = "Deleted",
              .errors = {400, 404, 409}});
}

void add_system_routes(http::Router& router, queue::Queue& queue, store::Store& store,
                       bool api_keys_enabled) {
  router.post("/api/system/reset", handle([&queue, &store, api_keys_enabled](http::Request&) {
                if (!api_keys_enabled)
                  throw ApiError(403, "System reset needs authentication: set API_KEYS");
                queue.pause();
                queue.obliterate(true);
                queue.resume();
                store.reset();
                return ok(boost::json::object{{"reset", true}});
              }),
              {.summary = "Erase the queue, keywords, rankings and bulk searches",
               .tag = "system",
               .response_schema = "Reset",
               .errors = {403}});
}

}  // namespace crawler::api
