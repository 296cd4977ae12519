// Conformance of the C++ Bull backend with the real npm `bull` 4.16 (tests/peers), on the
// shared redis-server: Node producer → C++ worker and C++ producer → Node worker, with
// priorities, delay, jobId dedupe, attempts + backoff timing, removeOnComplete/removeOnFail
// trimming, Node's global events for jobs C++ finished, bad job data, and the admin calls.
// At every checkpoint Node's getJobCounts() must equal ours.
//
// Each test works in its own key prefix, so tests never see each other's jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "peer_support.h"
#include "queue/bull/bull_queue.h"
#include "redis/connection.h"
#include "support/poll.h"
#include "support/services.h"
#include "support/temp_dir.h"

namespace crawler::queue::testing {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;

// The job set both directions use. Expected first-try order (Bull's list layout): the
// prioritised jobs by priority (n3 p1, n4 p2, n2 p3), then the plain ones FIFO (n1, n5, n8,
// n9); n6 is a duplicate id of n5 and adds nothing; n7 is delayed 1500 ms; n8 fails twice
// then succeeds (fixed backoff 600 ms); n9 fails twice and stays failed (exponential 300).
constexpr const char* kJobSetJson = R"([
  {"data": {"n": 1}},
  {"data": {"n": 2}, "opts": {"priority": 3}},
  {"data": {"n": 3}, "opts": {"priority": 1}},
  {"data": {"n": 4}, "opts": {"priority": 2}},
  {"data": {"n": 5}, "opts": {"jobId": "k5"}},
  {"data": {"n": 6}, "opts": {"jobId": "k5"}},
  {"data": {"n": 7}, "opts": {"delay": 1500}},
  {"data": {"n": 8, "failUntil": 2},
   "opts": {"attempts": 3, "backoff": {"type": "fixed", "delay": 600}}},
  {"data": {"n": 9, "failUntil": 5},
   "opts": {"attempts": 2, "backoff": {"type": "exponential", "delay": 300}}}
])";

std::vector<NewJob> job_set_for_cpp() {
  std::vector<NewJob> jobs;
  const json::value all = json::parse(kJobSetJson);
  for (const auto& j : all.as_array()) {
    NewJob nj;
    nj.data = json::serialize(j.at("data"));
    if (const auto* o = j.as_object().if_contains("opts")) {
      const auto& opts = o->as_object();
      if (auto* p = opts.if_contains("priority")) nj.opts.priority = p->to_number<int>();
      if (auto* p = opts.if_contains("jobId")) nj.opts.job_id = std::string(p->as_string());
      if (auto* p = opts.if_contains("delay"))
        nj.opts.delay = std::chrono::milliseconds(p->to_number<int>());
      if (auto* p = opts.if_contains("attempts")) nj.opts.attempts = p->to_number<int>();
      if (auto* p = opts.if_contains("backoff")) {
        const auto& b = p->as_object();
        nj.opts.backoff = Backoff{
            b.at("type").as_string() == "fixed" ? Backoff::Type::fixed : Backoff::Type::exponential,
            std::chrono::milliseconds(b.at("delay").to_number<int>())};
      }
    }
    jobs.push_back(std::move(nj));
  }
  return jobs;
}

// Upper bounds on lateness are loose on purpose: both Bull and we promote delayed jobs at
// their due time or at the next guard check (5 s), and these machines are shared, so a
// timing assertion tighter than that would test the load, not the queue. The lower bounds
// (never early) are exact.
constexpr std::int64_t kLateSlackMs = 6000;

// Checks what a consumer (ours or Node's) did with the job set: calls in processing order.
void expect_job_set_semantics(const std::vector<Call>& calls, std::int64_t added_at) {
  std::vector<std::int64_t> first_tries;
  std::map<std::int64_t, std::vector<Call>> by_n;
  for (const auto& c : calls) {
    const auto n = data_n(c.data);
    if (c.attempts_made == 0 && n != 7) first_tries.push_back(n);
    by_n[n].push_back(c);
  }
  EXPECT_EQ(first_tries, (std::vector<std::int64_t>{3, 4, 2, 1, 5, 8, 9}));
  EXPECT_EQ(by_n.count(6), 0u) << "n6 reused id k5 and must not exist";
  for (std::int64_t n : {1, 2, 3, 4, 5, 7}) EXPECT_EQ(by_n[n].size(), 1u) << "n" << n;
  ASSERT_EQ(by_n[7].size(), 1u);
  EXPECT_GE(by_n[7][0].at - added_at, 1400) << "delayed job ran early";
  EXPECT_LE(by_n[7][0].at - added_at, 1500 + kLateSlackMs) << "delayed job ran late";
  ASSERT_EQ(by_n[8].size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(by_n[8][i].attempts_made, i);
  for (int i = 1; i < 3; ++i) {
    const auto gap = by_n[8][i].at - by_n[8][i - 1].at;
    EXPECT_GE(gap, 580) << "fixed backoff 600 ms";
    EXPECT_LE(gap, 600 + kLateSlackMs) << "fixed backoff 600 ms";
  }
  ASSERT_EQ(by_n[9].size(), 2u);
  const auto gap9 = by_n[9][1].at - by_n[9][0].at;
  EXPECT_GE(gap9, 280) << "exponential backoff: (2^1 - 1) * 300 ms";
  EXPECT_LE(gap9, 300 + kLateSlackMs);
}

class QueueConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = crawler::testing::SharedServices::get().redis_url();
    prefix_ = crawler::testing::SharedServices::get().unique_prefix();
  }

  std::unique_ptr<Queue> open(const std::string& name = "crawl-jobs") {
    bull::BullOptions o;
    o.redis_url = url_;
    o.prefix = prefix_;
    o.name = name;
    return bull::open_bull_queue(o);
  }

  JobCounts node_counts(const std::string& name = "crawl-jobs") {
    return counts_from_json(run_peer("counts", url_, prefix_, name));
  }

  void expect_same_counts(Queue& q, const std::string& where) {
    const JobCounts ours = q.get_job_counts();
    const JobCounts node = node_counts(q.name());
    EXPECT_EQ(ours, node) << where << ": ours " << describe(ours) << " / node " << describe(node);
  }

  // The Handler the C++ side uses for the job set: records the call, fails while
  // attemptsMade < failUntil, returns {"echo": data}.
  Handler recording_handler(CallLog& log) {
    return [&log](JobContext& ctx) -> std::string {
      const Job& job = ctx.job();
      log.add({job.id, job.data, job.attempts_made, epoch_ms()});
      const auto data = json::parse(job.data).as_object();
      if (const auto* f = data.if_contains("failUntil")) {
        if (job.attempts_made < f->to_number<int>()) {
          throw std::runtime_error("planned failure " + std::to_string(job.attempts_made));
        }
      }
      return "{\"echo\":" + job.data + "}";
    };
  }

  static WorkerOptions quick_worker(int concurrency = 1) {
    WorkerOptions w;
    w.concurrency = concurrency;
    w.drain_block = 200ms;
    return w;
  }

  std::string url_;
  std::string prefix_;
};

TEST_F(QueueConformanceTest, NodeProducerCppConsumer) {
  auto q = open();
  const auto added_at = epoch_ms();
  const auto ids = run_peer("add", url_, prefix_, "crawl-jobs", {kJobSetJson});
  ASSERT_EQ(ids.as_array().size(), 9u);
  EXPECT_EQ(ids.as_array()[4].as_string(), "k5");
  EXPECT_EQ(ids.as_array()[5].as_string(), "k5") << "an existing jobId adds nothing";
  expect_same_counts(*q, "after Node added");
  EXPECT_EQ(q->get_job_counts(), (JobCounts{7, 0, 0, 0, 1, 0}));

  // Node's global listeners must hear about the jobs our worker finishes.
  crawler::testing::TempDir dir;
  const auto events_file = dir.path() / "events.txt";
  crawler::testing::SpawnOptions lo;
  lo.argv = {"node",   std::string(CRAWLER_PEERS_DIR) + "/bull_peer.js",
             "listen", url_,
             prefix_,  "crawl-jobs",
             "8",      "30000"};
  lo.stdout_file = events_file;
  lo.stderr_file = events_file;
  crawler::testing::Subprocess listener(lo);
  auto read_file = [&] {
    std::ifstream in(events_file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  ASSERT_TRUE(poll_until([&] { return read_file().find("ready") != std::string::npos; }, 20s));

  CallLog log;
  auto worker = q->make_worker(quick_worker(), recording_handler(log));
  worker->start();
  ASSERT_TRUE(poll_until(
      [&] {
        const auto c = q->get_job_counts();
        return c.completed == 7 && c.failed == 1;
      },
      20s))
      << describe(q->get_job_counts());
  EXPECT_TRUE(worker->stop(5s));
  expect_job_set_semantics(log.calls(), added_at);
  expect_same_counts(*q, "after our worker finished");

  // Node reads what we stored.
  for (const auto& c : log.calls()) {
    if (data_n(c.data) == 8) {
      const auto v = run_peer("job", url_, prefix_, "crawl-jobs", {c.id}).as_object();
      EXPECT_EQ(v.at("state").as_string(), "completed");
      EXPECT_EQ(v.at("attemptsMade").to_number<int>(), 2);
      EXPECT_EQ(json::serialize(v.at("returnvalue")), "{\"echo\":" + c.data + "}");
      EXPECT_EQ(v.at("stacktrace").as_array().size(), 2u);
      break;
    }
  }
  for (const auto& c : log.calls()) {
    if (data_n(c.data) == 9) {
      const auto v = run_peer("job", url_, prefix_, "crawl-jobs", {c.id}).as_object();
      EXPECT_EQ(v.at("state").as_string(), "failed");
      EXPECT_EQ(v.at("failedReason").as_string(), "planned failure 1");
      EXPECT_EQ(v.at("attemptsMade").to_number<int>(), 2);
      break;
    }
  }

  ASSERT_TRUE(listener.wait_for(20s).has_value()) << read_file();
  const std::string events = read_file();
  int completed = 0, failed = 0;
  std::istringstream lines(events);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    const auto e = json::parse(line).as_object();
    if (e.at("event").as_string() == "completed") {
      ++completed;
      // val is the return value as JSON text, as Bull publishes it.
      const auto val = json::parse(e.at("val").as_string()).as_object();
      EXPECT_TRUE(val.contains("echo")) << line;
    } else {
      ++failed;
      EXPECT_EQ(e.at("val").as_string(), "planned failure 1") << line;
    }
  }
  EXPECT_EQ(completed, 7) << events;
  EXPECT_EQ(failed, 1) << events;
}

TEST_F(QueueConformanceTest, CppProducerNodeConsumer) {
  auto q = open();
  const auto added_at = epoch_ms();
  const auto ids = q->add_bulk(job_set_for_cpp());
  ASSERT_EQ(ids.size(), 9u);
  EXPECT_EQ(ids[4], "k5");
  EXPECT_EQ(ids[5], "k5");
  expect_same_counts(*q, "after we added");
  EXPECT_EQ(q->get_job_counts(), (JobCounts{7, 0, 0, 0, 1, 0}));

  // 6 single tries + 3 for n8 + 2 for n9.
  const auto seen = run_peer("consume", url_, prefix_, "crawl-jobs", {"11", "{}"});
  std::vector<Call> calls;
  for (const auto& s : seen.as_array()) {
    const auto& o = s.as_object();
    calls.push_back({std::string(o.at("id").as_string()), json::serialize(o.at("data")),
                     o.at("attemptsMade").to_number<int>(), o.at("at").to_number<std::int64_t>()});
  }
  expect_job_set_semantics(calls, added_at);
  EXPECT_EQ(q->get_job_counts(), (JobCounts{0, 0, 7, 1, 0, 0}));
  expect_same_counts(*q, "after Node consumed");

  // We read what Node stored.
  for (const auto& c : calls) {
    if (data_n(c.data) != 8 || c.attempts_made != 2) continue;
    const auto job = q->get_job(c.id);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->attempts_made, 2);
    EXPECT_EQ(job->stacktrace.size(), 2u);
    ASSERT_TRUE(job->return_value.has_value());
    EXPECT_EQ(json::parse(*job->return_value), json::parse("{\"echo\":" + c.data + "}"));
    EXPECT_EQ(q->get_state(c.id), JobState::completed);
  }
}

TEST_F(QueueConformanceTest, RemoveOnCompleteAndFailTrimIdentically) {
  // The same jobs through Node (queue "by-node") and through us (queue "by-cpp"): the
  // finished jobs left must be the same ids.
  std::string jobs_json = "[";
  std::vector<NewJob> jobs;
  for (int i = 1; i <= 8; ++i) {
    const bool fails = i % 3 == 0;
    const std::string data = "{\"n\":" + std::to_string(i) + (fails ? ",\"failUntil\":9}" : "}");
    jobs_json += std::string(i > 1 ? "," : "") + "{\"data\":" + data +
                 ",\"opts\":{\"removeOnComplete\":3,\"removeOnFail\":1}}";
    NewJob nj;
    nj.data = data;
    nj.opts.remove_on_complete = KeepJobs::keep_last(3);
    nj.opts.remove_on_fail = KeepJobs::keep_last(1);
    jobs.push_back(nj);
  }
  jobs_json += "]";
  run_peer("add", url_, prefix_, "by-node", {jobs_json});
  run_peer("consume", url_, prefix_, "by-node", {"8", "{}"});

  auto q = open("by-cpp");
  q->add_bulk(jobs);
  CallLog log;
  auto worker = q->make_worker(quick_worker(), recording_handler(log));
  worker->start();
  ASSERT_TRUE(
      poll_until([&] { return log.calls().size() == 8 && q->get_job_counts().active == 0; }, 20s));
  EXPECT_TRUE(worker->stop(5s));

  auto node_q = open("by-node");
  auto ids = [](Queue& queue, JobState s) {
    std::set<std::string> out;
    for (const auto& j : queue.get_jobs({s}, 0, -1, true)) out.insert(j.id);
    return out;
  };
  EXPECT_EQ(ids(*q, JobState::completed), ids(*node_q, JobState::completed));
  EXPECT_EQ(ids(*q, JobState::failed), ids(*node_q, JobState::failed));
  EXPECT_EQ(ids(*q, JobState::completed), (std::set<std::string>{"5", "7", "8"}));
  EXPECT_EQ(ids(*q, JobState::failed), (std::set<std::string>{"6"}));
  expect_same_counts(*q, "by-cpp");
  expect_same_counts(*node_q, "by-node");
  // Trimmed jobs are gone entirely, as in Bull.
  EXPECT_FALSE(q->get_job("1").has_value());
  EXPECT_FALSE(q->get_job("3").has_value());
}

TEST_F(QueueConformanceTest, JobWithInvalidJsonDataFailsAndWorkerGoesOn) {
  auto q = open();
  // A buggy producer: a job hash whose data is not JSON, put in wait by hand.
  auto conn = redis::Connection::connect(redis::parse_url(url_));
  const std::string base = prefix_ + ":crawl-jobs:";
  conn->command({"HSET", base + "bad1", "name", "__default__", "data", "{not json", "opts",
                 "{\"attempts\":3}", "timestamp", std::to_string(epoch_ms()), "delay", "0",
                 "priority", "0"});
  conn->command({"LPUSH", base + "wait", "bad1"});
  q->add("{\"n\":1}");

  CallLog log;
  auto worker = q->make_worker(quick_worker(), recording_handler(log));
  worker->start();
  ASSERT_TRUE(poll_until(
      [&] {
        const auto c = q->get_job_counts();
        return c.completed == 1 && c.failed == 1;
      },
      10s))
      << describe(q->get_job_counts());
  EXPECT_TRUE(worker->stop(5s));
  ASSERT_EQ(log.calls().size(), 1u) << "the handler never sees the bad job";
  const auto bad = q->get_job("bad1");
  ASSERT_TRUE(bad.has_value());
  ASSERT_TRUE(bad->failed_reason.has_value());
  EXPECT_NE(bad->failed_reason->find("not valid JSON"), std::string::npos) << *bad->failed_reason;
  EXPECT_EQ(q->get_state("bad1"), JobState::failed);
  EXPECT_EQ(bad->attempts_made, 1) << "no retry: no try can fix the data";
  expect_same_counts(*q, "after the bad job");
}

TEST_F(QueueConformanceTest, AdminOperations) {
  auto q = open();
  JobOptions delayed;
  delayed.delay = 60s;
  const auto d = q->add("{\"n\":1}", delayed);
  const auto w = q->add("{\"n\":2}");
  EXPECT_EQ(q->get_state(d), JobState::delayed);
  EXPECT_EQ(q->get_state(w), JobState::waiting);
  EXPECT_EQ(q->get_state("nope"), std::nullopt);

  q->promote(d);
  EXPECT_EQ(q->get_state(d), JobState::waiting);
  EXPECT_THROW(q->promote(d), InvalidJobState);
  expect_same_counts(*q, "after promote");

  q->pause();
  EXPECT_TRUE(q->is_paused());
  EXPECT_EQ(run_peer("paused", url_, prefix_, "crawl-jobs").as_bool(), true);
  EXPECT_EQ(q->get_state(w), JobState::paused);
  q->add("{\"n\":3}");
  EXPECT_EQ(q->get_job_counts().paused, 3);
  expect_same_counts(*q, "paused");
  q->resume();
  EXPECT_FALSE(q->is_paused());
  EXPECT_EQ(run_peer("paused", url_, prefix_, "crawl-jobs").as_bool(), false);
  EXPECT_EQ(q->get_job_counts().waiting, 3);

  const auto waiting = q->get_jobs({JobState::waiting}, 0, -1, true);
  ASSERT_EQ(waiting.size(), 3u);
  // asc: next to run first. n1 was promoted (LPUSH) after n2 was added, so n2 comes first.
  EXPECT_EQ(data_n(waiting[0].data), 2);
  EXPECT_EQ(data_n(waiting[2].data), 3);
  EXPECT_TRUE(q->remove(w));
  EXPECT_FALSE(q->get_job(w).has_value());
  EXPECT_FALSE(q->remove(w));

  // A failed job, retried.
  JobOptions once;
  once.attempts = 1;
  const auto f = q->add("{\"n\":4,\"failUntil\":1}", once);
  CallLog log;
  {
    auto worker = q->make_worker(quick_worker(), recording_handler(log));
    worker->start();
    ASSERT_TRUE(poll_until([&] { return q->get_state(f) == JobState::failed; }, 10s));
    ASSERT_TRUE(poll_until([&] { return q->get_job_counts().completed == 2; }, 10s));
    EXPECT_TRUE(worker->stop(5s));
  }
  EXPECT_THROW(q->retry(d), InvalidJobState);
  q->retry(f);
  EXPECT_EQ(q->get_state(f), JobState::waiting);
  EXPECT_THROW(q->retry("nope"), JobNotFound);

  std::this_thread::sleep_for(5ms);  // finishedOn must be strictly older than now - grace
  const auto cleaned = q->clean(0ms, JobState::completed);
  EXPECT_EQ(cleaned.size(), 2u);
  EXPECT_EQ(q->get_job_counts().completed, 0);
  expect_same_counts(*q, "after clean");

  q->empty();
  EXPECT_EQ(q->get_job_counts().waiting, 0);
  q->add("{\"n\":5}");
  q->obliterate(false);
  auto conn = redis::Connection::connect(redis::parse_url(url_));
  const auto keys = conn->command({"KEYS", prefix_ + ":crawl-jobs:*"});
  EXPECT_TRUE(keys.elements().empty()) << keys;
}

TEST_F(QueueConformanceTest, ManyJobsAtConcurrency8RunExactlyOnce) {
  // Outcomes and new jobs cross in the dispatcher all the time at this concurrency: every
  // job must run once and be recorded (a job recorded under the wrong slot would stall).
  auto q = open();
  std::vector<NewJob> jobs(600);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].data = "{\"n\":" + std::to_string(i) + "}";
  }
  q->add_bulk(jobs);
  CallLog log;
  auto worker = q->make_worker(quick_worker(8), [&](JobContext& ctx) -> std::string {
    log.add({ctx.job().id, ctx.job().data, ctx.job().attempts_made, epoch_ms()});
    if (std::stoi(ctx.job().id) % 7 == 0) std::this_thread::sleep_for(1ms);
    return "{}";
  });
  worker->start();
  ASSERT_TRUE(poll_until([&] { return q->get_job_counts().completed == 600; }, 20s))
      << describe(q->get_job_counts());
  EXPECT_TRUE(worker->stop(5s));
  std::map<std::string, int> runs;
  for (const auto& c : log.calls()) ++runs[c.id];
  EXPECT_EQ(runs.size(), 600u);
  for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(worker->stats().completed, 600);
  EXPECT_EQ(worker->stats().lost_locks, 0);
  expect_same_counts(*q, "after 600 jobs");
}

TEST_F(QueueConformanceTest, EventStreamAndProgress) {
  auto q = open();
  auto events = q->events();
  q->add("{\"n\":1}");
  JobOptions once;
  q->add("{\"n\":2,\"failUntil\":1}", once);
  auto worker = q->make_worker(quick_worker(), [](JobContext& ctx) -> std::string {
    ctx.progress(50);
    ctx.log("half way");
    if (ctx.job().data.find("failUntil") != std::string::npos) throw std::runtime_error("boom");
    return "{\"ok\":true}";
  });
  worker->start();
  std::vector<QueueEvent> got;
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (got.size() < 4 && std::chrono::steady_clock::now() < until) {
    if (auto e = events->next(500ms)) got.push_back(*e);
  }
  EXPECT_TRUE(worker->stop(5s));
  ASSERT_EQ(got.size(), 4u);
  int progress = 0, completed = 0, failed = 0;
  for (const auto& e : got) {
    if (e.kind == QueueEvent::Kind::progress) {
      ++progress;
      EXPECT_EQ(e.payload, "50");
    } else if (e.kind == QueueEvent::Kind::completed) {
      ++completed;
      EXPECT_EQ(e.payload, "{\"ok\":true}");
      EXPECT_EQ(e.job_id, "1");
    } else {
      ++failed;
      EXPECT_EQ(e.payload, "boom");
      EXPECT_EQ(e.job_id, "2");
    }
  }
  EXPECT_EQ(progress, 2);
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(failed, 1);
  const auto node_view = run_peer("job", url_, prefix_, "crawl-jobs", {"1"}).as_object();
  EXPECT_EQ(node_view.at("progress").to_number<int>(), 50);
  EXPECT_EQ(node_view.at("logs").as_array().size(), 1u);
}

}  // namespace
}  // namespace crawler::queue::testing
