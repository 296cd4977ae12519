// The CloudWatch side without a network: the scaling data (pure), the error-rate tracker,
// EMF lines, the PutMetricData body and signed request, endpoint/region/credential parsing,
// the publisher's retry loop against a fake sink, and the queue sampler with a fake queue.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>

#include "metrics/cloudwatch.h"
#include "metrics/crawler_metrics.h"
#include "metrics/emf.h"
#include "metrics/publisher.h"
#include "metrics/queue_sampler.h"

namespace crawler::metrics {
namespace {

using namespace std::chrono_literals;
const auto kT = std::chrono::system_clock::from_time_t(1700000000);

WorkerInfo worker(std::string id, int concurrency, std::int64_t done = 0, std::int64_t failed = 0,
                  std::int64_t started_at = 0) {
  WorkerInfo w;
  w.id = std::move(id);
  w.concurrency = concurrency;
  w.jobs_completed = done;
  w.jobs_failed = failed;
  w.started_at = started_at;
  return w;
}

const MetricDatum* find(const std::vector<MetricDatum>& data, const std::string& name) {
  for (const auto& d : data)
    if (d.name == name) return &d;
  return nullptr;
}

TEST(ComputeData, QueueWaitingJobsIsWaitingPlusActive) {
  PublisherInput in{{.waiting = 7, .active = 3, .completed = 100, .failed = 5}, std::nullopt, kT};
  auto data = compute_data(in, std::nullopt);
  ASSERT_EQ(data.size(), 1u);  // no registry: neither backlog per worker nor error rate
  EXPECT_EQ(data[0].name, "QueueWaitingJobs");
  EXPECT_EQ(data[0].value, 10);
  EXPECT_EQ(data[0].unit, "Count");
  EXPECT_EQ(data[0].timestamp, kT);
}

TEST(ComputeData, BacklogPerWorkerSlot) {
  PublisherInput in{{.waiting = 12, .active = 6}, std::vector{worker("a", 4), worker("b", 2)}, kT};
  auto data = compute_data(in, ErrorRateTracker::Period{});
  ASSERT_TRUE(find(data, "QueueBacklogPerWorker"));
  EXPECT_EQ(find(data, "QueueBacklogPerWorker")->value, 2.0);  // 12 waiting / 6 slots
  EXPECT_EQ(find(data, "QueueBacklogPerWorker")->unit, "None");
  EXPECT_FALSE(find(data, "WorkerErrorRate"));  // nothing finished: omitted
}

TEST(ComputeData, ZeroSlotsDivideByOne) {
  PublisherInput busy{{.waiting = 30}, std::vector<WorkerInfo>{}, kT};
  EXPECT_EQ(find(compute_data(busy, std::nullopt), "QueueBacklogPerWorker")->value, 30);
  PublisherInput idle{{}, std::vector<WorkerInfo>{}, kT};
  EXPECT_EQ(find(compute_data(idle, std::nullopt), "QueueBacklogPerWorker")->value, 0);
}

TEST(ComputeData, ErrorRateInPercent) {
  PublisherInput in{{}, std::vector<WorkerInfo>{}, kT};
  auto data = compute_data(in, ErrorRateTracker::Period{.completed = 9, .failed = 1});
  ASSERT_TRUE(find(data, "WorkerErrorRate"));
  EXPECT_DOUBLE_EQ(find(data, "WorkerErrorRate")->value, 10.0);
  EXPECT_EQ(find(data, "WorkerErrorRate")->unit, "Percent");
}

TEST(ErrorRateTracker, SumsPerWorkerDeltas) {
  ErrorRateTracker t;
  const auto t0 = kT, t1 = kT + 60s, t2 = kT + 120s;
  const std::int64_t t0_ms = 1700000000000;
  // First sight: baselines only (the workers ran before we looked).
  auto p0 = t.update({worker("a", 1, 100, 10), worker("b", 1, 50, 0)}, t0);
  EXPECT_EQ(p0.completed, 0);
  EXPECT_EQ(p0.failed, 0);
  // a: +8/+2; b gone (its last partial period is lost); c started after t0: counts fully.
  auto p1 = t.update({worker("a", 1, 108, 12), worker("c", 1, 5, 1, t0_ms + 1000)}, t1);
  EXPECT_EQ(p1.completed, 13);
  EXPECT_EQ(p1.failed, 3);
  auto p2 = t.update({worker("a", 1, 108, 12), worker("c", 1, 5, 1, t0_ms + 1000)}, t2);
  EXPECT_EQ(p2.completed + p2.failed, 0);
}

TEST(Emf, LineShape) {
  std::vector<MetricDatum> data = {{"QueueWaitingJobs", 10, "Count", {}, kT},
                                   {"WorkerErrorRate", 12.5, "Percent", {}, kT},
                                   {"PerRole", 2, "Count", {{"Role", "worker"}}, kT}};
  auto line = emf_line("CrawlerService", data, kT + 5s);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto v = boost::json::parse(line).as_object();
  const auto& aws = v.at("_aws").as_object();
  EXPECT_EQ(aws.at("Timestamp").as_int64(), 1700000000000);
  const auto& directives = aws.at("CloudWatchMetrics").as_array();
  ASSERT_EQ(directives.size(), 2u);
  const auto& plain = directives[0].as_object();  // the empty dimension set sorts first
  EXPECT_EQ(plain.at("Namespace").as_string(), "CrawlerService");
  EXPECT_EQ(boost::json::serialize(plain.at("Dimensions")), "[[]]");
  EXPECT_EQ(
      boost::json::serialize(plain.at("Metrics")),
      R"([{"Name":"QueueWaitingJobs","Unit":"Count"},{"Name":"WorkerErrorRate","Unit":"Percent"}])");
  EXPECT_EQ(boost::json::serialize(directives[1].as_object().at("Dimensions")), R"([["Role"]])");
  EXPECT_EQ(v.at("QueueWaitingJobs").to_number<double>(), 10);
  EXPECT_EQ(v.at("WorkerErrorRate").to_number<double>(), 12.5);
  EXPECT_EQ(v.at("Role").as_string(), "worker");
}

TEST(CloudWatch, BodyIsAwsJson10) {
  auto body = put_metric_data_body("CrawlerService",
                                   {{"QueueWaitingJobs", 10, "Count", {{"Env", "prod"}}, kT},
                                    {"X", 0.5, "None", {}, kT + 250ms}});
  auto parsed = boost::json::parse(body);
  const auto& first = parsed.at("MetricData").as_array()[0].as_object();
  EXPECT_EQ(parsed.at("Namespace").as_string(), "CrawlerService");
  EXPECT_EQ(first.at("MetricName").as_string(), "QueueWaitingJobs");
  EXPECT_EQ(first.at("Value").to_number<double>(), 10);
  EXPECT_EQ(first.at("Unit").as_string(), "Count");
  EXPECT_EQ(first.at("Timestamp").as_int64(), 1700000000);  // epoch seconds, as the SDKs send
  EXPECT_EQ(boost::json::serialize(first.at("Dimensions")), R"([{"Name":"Env","Value":"prod"}])");
  const auto& second = parsed.at("MetricData").as_array()[1].as_object();
  EXPECT_DOUBLE_EQ(second.at("Timestamp").to_number<double>(), 1700000000.25);
  EXPECT_FALSE(second.contains("Dimensions"));
}

// Which variable gives the endpoint (AWS_ENDPOINT_URL_CLOUDWATCH before AWS_ENDPOINT_URL) and
// the region is the settings table's (tests/unit/config_test.cpp).
TEST(CloudWatch, EndpointFromSettingsOrRegion) {
  EXPECT_EQ(cloudwatch_endpoint("", "us-east-2"), "https://monitoring.us-east-2.amazonaws.com");
  EXPECT_EQ(cloudwatch_endpoint("", "cn-north-1"),
            "https://monitoring.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(cloudwatch_endpoint("http://localhost:4566/", "us-east-2"), "http://localhost:4566");
  EXPECT_EQ(cloudwatch_endpoint("http://127.0.0.1:9000", "us-east-2"), "http://127.0.0.1:9000");
}

TEST(CloudWatch, PreparedRequestIsSigned) {
  sigv4::Credentials keys{"AKIDEXAMPLE", "secret", "token"};
  auto r = prepare_put_metric_data("http://127.0.0.1:8080", "eu-west-1", "CrawlerService",
                                   {{"QueueWaitingJobs", 1, "Count", {}, kT}}, keys, kT);
  EXPECT_EQ(r.url, "http://127.0.0.1:8080/");
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(h["Host"], "127.0.0.1:8080");
  EXPECT_EQ(h["Content-Type"], "application/x-amz-json-1.0");
  EXPECT_EQ(h["X-Amz-Target"], "GraniteServiceVersion20100801.PutMetricData");
  EXPECT_EQ(h["X-Amz-Date"], "20231114T221320Z");
  EXPECT_EQ(h["X-Amz-Security-Token"], "token");
  EXPECT_TRUE(h["Authorization"].starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/monitoring/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
      "Signature="));
  EXPECT_EQ(h["Authorization"].find("secret"), std::string::npos);
  EXPECT_THROW(prepare_put_metric_data("ftp://x", "r", "n", {}, keys, kT), std::invalid_argument);
}

TEST(Credentials, ParsesEcsAndImdsDocuments) {
  auto c = parse_credentials_json(
      R"({"AccessKeyId":"AK","SecretAccessKey":"SK","Token":"T","Expiration":"2023-11-14T22:13:20Z"})",
      "ecs");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->keys.access_key_id, "AK");
  EXPECT_EQ(c->keys.session_token, "T");
  EXPECT_EQ(c->expiration, kT);
  EXPECT_FALSE(parse_credentials_json(
      R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"S"})", "imds"));
  EXPECT_FALSE(parse_credentials_json("not json", "ecs"));
  EXPECT_EQ(parse_iso8601("2023-11-14T23:13:20+01:00"), kT);
  EXPECT_EQ(parse_iso8601("2023-11-14T22:13:20.123Z"), kT);
}

TEST(Credentials, EnvironmentComesFirstAndNoneIsNullopt) {
  CredentialsChainOptions o;
  o.sources.ec2_metadata_disabled = true;
  CredentialsChain none(o);
  EXPECT_FALSE(none.resolve());
  EXPECT_FALSE(none.last_error().empty());
  o.sources.access_key_id = "AK";
  o.sources.secret_access_key = "SK";
  o.sources.session_token = "ST";
  CredentialsChain chain(o);
  auto c = chain.resolve();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->source, "environment");
  EXPECT_EQ(c->keys.session_token, "ST");
}

class FakeSink : public MetricSink {
 public:
  std::string_view name() const override { return "fake"; }
  void publish(const std::string& ns, const std::vector<MetricDatum>& data) override {
    if (fail_next-- > 0) throw CloudWatchError("boom", retryable);
    std::lock_guard lock(mutex);
    calls.push_back({ns, data});
  }
  std::atomic<int> fail_next{0};
  bool retryable = true;
  std::mutex mutex;
  std::vector<std::pair<std::string, std::vector<MetricDatum>>> calls;
};

PublisherInput fixed_input() { return {{.waiting = 2, .active = 1}, std::nullopt, kT}; }

TEST(Publisher, RetriesRetryableFailures) {
  FakeSink sink;
  sink.fail_next = 2;
  Publisher p(sink, fixed_input, {.retry_initial = 5ms, .retry_max = 10ms});
  EXPECT_TRUE(p.publish_once(std::chrono::steady_clock::now() + 5s));
  ASSERT_EQ(sink.calls.size(), 1u);
  EXPECT_EQ(sink.calls[0].first, "CrawlerService");
  EXPECT_EQ(sink.calls[0].second.at(0).value, 3);
  EXPECT_EQ(p.published(), 1u);
}

TEST(Publisher, DropsNonRetryableFailuresAndGivesUpAtTheDeadline) {
  FakeSink sink;
  sink.fail_next = 1;
  sink.retryable = false;
  Publisher p(sink, fixed_input, {.retry_initial = 5ms, .retry_max = 10ms});
  EXPECT_FALSE(p.publish_once(std::chrono::steady_clock::now() + 5s));
  sink.retryable = true;
  sink.fail_next = 1000;
  EXPECT_FALSE(p.publish_once(std::chrono::steady_clock::now() + 50ms));
  EXPECT_EQ(p.failed(), 2u);
  int calls = 0;
  Publisher failing_source(sink,
                           [&]() -> PublisherInput {
                             ++calls;
                             throw std::runtime_error("redis down");
                           },
                           {.retry_initial = 5ms, .retry_max = 5ms});
  EXPECT_FALSE(failing_source.publish_once(std::chrono::steady_clock::now() + 60ms));
  EXPECT_GT(calls, 1);
}

TEST(Publisher, ThreadPublishesEveryIntervalAndStopsPromptly) {
  FakeSink sink;
  Publisher p(sink, fixed_input, {.interval = 20ms, .retry_initial = 5ms, .retry_max = 5ms});
  p.start();
  for (int i = 0; i < 200 && p.published() < 3; ++i) std::this_thread::sleep_for(10ms);
  const auto before = std::chrono::steady_clock::now();
  p.stop(before + 1s);
  EXPECT_GE(p.published(), 3u);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 500ms);
}

TEST(EmfSink, WritesOneLinePerPeriod) {
  std::vector<std::string> lines;
  EmfSink sink([&](const std::string& l) { lines.push_back(l); });
  sink.publish("CrawlerService", {{"QueueWaitingJobs", 4, "Count", {}, kT}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("QueueWaitingJobs":4)"), std::string::npos);
}

class FakeQueue : public queue::Queue {
 public:
  std::atomic<bool> fail{false};
  queue::JobCounts counts{.waiting = 5, .active = 2, .completed = 9, .failed = 1, .delayed = 3};
  const std::string& name() const override { return name_; }
  queue::JobCounts get_job_counts() override {
    if (fail) throw queue::Error("redis down");
    return counts;
  }
  std::string add(const queue::NewJob&) override { throw std::logic_error("unused"); }
  std::vector<std::string> add_bulk(const std::vector<queue::NewJob>&) override { return {}; }
  std::vector<AddOutcome> add_bulk_unless_active(const std::vector<queue::NewJob>&,
                                                 const std::vector<std::string>&) override {
    return {};
  }
  std::optional<queue::Job> get_job(const std::string&) override { return std::nullopt; }
  std::optional<queue::JobState> get_state(const std::string&) override { return std::nullopt; }
  std::vector<queue::Job> get_jobs(const std::vector<queue::JobState>&, std::int64_t, std::int64_t,
                                   bool) override {
    return {};
  }
  bool remove(const std::string&) override { return false; }
  void retry(const std::string&) override {}
  void promote(const std::string&) override {}
  std::vector<std::string> clean(std::chrono::milliseconds, queue::JobState,
                                 std::int64_t) override {
    return {};
  }
  void pause() override {}
  void resume() override {}
  bool is_paused() override { return false; }
  void empty() override {}
  void obliterate(bool) override {}
  std::unique_ptr<queue::Worker> make_worker(const queue::WorkerOptions&, queue::Handler) override {
    return nullptr;
  }
  std::unique_ptr<queue::EventStream> events() override { return nullptr; }

 private:
  std::string name_ = "crawl-jobs";
};

TEST(QueueSampler, FillsGaugesAndKeepsThemOnFailure) {
  Registry r;
  CrawlerMetrics m(r);
  FakeQueue q;
  QueueSampler s(q, m.queue_jobs, {.interval = 10ms});
  EXPECT_TRUE(s.sample_once());
  EXPECT_EQ(m.queue_jobs.labels({"waiting"}).value(), 5);
  EXPECT_EQ(m.queue_jobs.labels({"delayed"}).value(), 3);
  q.fail = true;
  EXPECT_FALSE(s.sample_once());
  EXPECT_EQ(m.queue_jobs.labels({"waiting"}).value(), 5);
  q.fail = false;
  q.counts.waiting = 8;
  s.start();
  for (int i = 0; i < 200 && m.queue_jobs.labels({"waiting"}).value() != 8; ++i)
    std::this_thread::sleep_for(5ms);
  s.stop(std::chrono::steady_clock::now() + 1s);
  EXPECT_EQ(m.queue_jobs.labels({"waiting"}).value(), 8);
  EXPECT_EQ(s.last()->waiting, 8);
}

}  // namespace
}  // namespace crawler::metrics
