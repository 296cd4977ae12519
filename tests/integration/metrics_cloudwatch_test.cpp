// CloudWatch against local endpoints (http::Server on free ports) and the npm AWS SDK:
//   - our PutMetricData and @aws-sdk/client-cloudwatch's, captured for the same datum, carry
//     the same protocol headers and the same body fields and values;
//   - our signature equals @smithy/signature-v4's for the same request and time (computed
//     directly, and recomputed from the request the capture server received);
//   - the credentials chain against a fake ECS endpoint (RELATIVE_URI and FULL_URI with a
//     token or token file) and a fake IMDSv2, with refresh before expiry;
//   - the publisher's CloudWatch sink end to end, including a retry after a 500.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <map>

#include "metrics/cloudwatch.h"
#include "metrics/credentials.h"
#include "metrics/publisher.h"
#include "metrics/sigv4.h"
#include "metrics_test_server.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::metrics {
namespace {

using namespace std::chrono_literals;
using testing::CaptureServer;
const std::string kPeers = CRAWLER_PEERS_DIR;
const std::string kAccessKey = "AKIDEXAMPLE";
const std::string kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// Numbers compared as doubles: the SDK writes 10, Boost.JSON 1E1.
boost::json::value normalize(const boost::json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (v.is_object()) {
    boost::json::object o;
    for (const auto& kv : v.as_object()) o[kv.key()] = normalize(kv.value());
    return o;
  }
  if (v.is_array()) {
    boost::json::array a;
    for (const auto& e : v.as_array()) a.push_back(normalize(e));
    return a;
  }
  return v;
}

// Runs metrics_sign.js: the SDK signer over exactly `headers`.
std::string smithy_authorization(const std::string& host, const std::string& path,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body, const std::string& iso_time,
                                 const std::string& region, const sigv4::Credentials& keys) {
  boost::json::object hdrs;
  for (const auto& [k, v] : headers) hdrs[k] = v;
  boost::json::object creds{{"accessKeyId", keys.access_key_id},
                            {"secretAccessKey", keys.secret_access_key}};
  if (!keys.session_token.empty()) creds["sessionToken"] = keys.session_token;
  boost::json::object input{{"method", "POST"},        {"hostname", host}, {"path", path},
                            {"headers", hdrs},         {"body", body},     {"region", region},
                            {"service", "monitoring"}, {"time", iso_time}, {"credentials", creds}};
  crawler::testing::TempDir dir("metrics-sign");
  std::ofstream(dir.path() / "in.json") << boost::json::serialize(input);
  auto out = crawler::testing::run_checked(
      {.argv = {"node", kPeers + "/metrics_sign.js", (dir.path() / "in.json").string()}});
  return std::string(boost::json::parse(out).at("authorization").as_string());
}

// 20231114T221320Z → 2023-11-14T22:13:20Z
std::string iso_from_amz(const std::string& d) {
  return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2) + "T" + d.substr(9, 2) + ":" +
         d.substr(11, 2) + ":" + d.substr(13, 2) + "Z";
}

CaptureServer cloudwatch_capture(std::atomic<int>* fail_first = nullptr) {
  return CaptureServer([fail_first](http::Router& r, CaptureServer&) {
    r.post("/", [fail_first](http::Request&) {
      if (fail_first && fail_first->fetch_sub(1) > 0)
        return http::Response::json(500, R"({"__type":"InternalFailure"})");
      return http::Response::json(200, "{}");
    });
  });
}

TEST(MetricsSigv4Peer, SignatureEqualsSmithyForPutMetricData) {
  const auto t = std::chrono::system_clock::from_time_t(1700000000);
  for (std::string token : {"", "FQoGZXIvYXdzEXAMPLEtoken/with+chars=="}) {
    sigv4::Credentials keys{kAccessKey, kSecret, token};
    auto r = prepare_put_metric_data(
        "https://monitoring.eu-west-1.amazonaws.com", "eu-west-1", "CrawlerService",
        {{"QueueWaitingJobs", 12, "Count", {{"Env", "prod"}}, t}}, keys, t);
    std::vector<std::pair<std::string, std::string>> unsigned_headers;
    std::string ours;
    for (const auto& [k, v] : r.headers) {
      if (k == "Authorization")
        ours = v;
      else if (k != "X-Amz-Date" && k != "X-Amz-Security-Token")
        unsigned_headers.emplace_back(k, v);
    }
    EXPECT_EQ(ours,
              smithy_authorization("monitoring.eu-west-1.amazonaws.com", "/", unsigned_headers,
                                   r.body, "2023-11-14T22:13:20Z", "eu-west-1", keys))
        << "token: " << token;
  }
}

TEST(MetricsCloudWatch, SameRequestAsTheAwsSdk) {
  auto server = cloudwatch_capture();
  const std::int64_t ts = 1700000000;

  crawler::testing::run_checked(
      {.argv = {"node", kPeers + "/metrics_cloudwatch_sdk.js", server.url(), "eu-west-1",
                "CrawlerService", "QueueWaitingJobs", "12", "Count", std::to_string(ts)}});
  ASSERT_EQ(server.requests().size(), 1u);
  const http::Request sdk = server.requests()[0];
  server.clear();

  CredentialsChain chain({.sources = {.access_key_id = kAccessKey, .secret_access_key = kSecret}});
  CloudWatchClient client({.region = "eu-west-1", .endpoint = server.url()}, chain);
  EXPECT_EQ(
      client.put_metric_data(
          "CrawlerService",
          {{"QueueWaitingJobs", 12, "Count", {}, std::chrono::system_clock::from_time_t(ts)}}),
      PutOutcome::sent);
  ASSERT_EQ(server.requests().size(), 1u);
  const http::Request ours = server.requests()[0];

  EXPECT_EQ(ours.method, sdk.method);
  EXPECT_EQ(ours.path, sdk.path);
  for (const char* h : {"x-amz-target", "content-type"})
    EXPECT_EQ(ours.header(h), sdk.header(h)) << h;
  EXPECT_EQ(normalize(boost::json::parse(ours.body)), normalize(boost::json::parse(sdk.body)))
      << "ours: " << ours.body << "\nsdk:  " << sdk.body;
  // Same credential scope (the dates may differ by a day at midnight: compare the tail).
  auto scope = [](std::string_view auth) {
    auto c = auth.find("Credential=");
    auto comma = auth.find(',', c);
    auto cred = auth.substr(c, comma - c);
    return std::string(cred.substr(0, cred.find('/'))) +
           std::string(cred.substr(cred.find('/', cred.find('/') + 1)));
  };
  EXPECT_EQ(scope(ours.header("authorization")), scope(sdk.header("authorization")));

  // Our signature, recomputed by the SDK's signer from what the server received.
  std::string auth(ours.header("authorization"));
  auto sh = auth.find("SignedHeaders=") + 14;
  std::string signed_list = auth.substr(sh, auth.find(',', sh) - sh);
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t pos = 0;
  while (pos <= signed_list.size()) {
    auto semi = signed_list.find(';', pos);
    std::string name = signed_list.substr(pos, semi == std::string::npos ? semi : semi - pos);
    if (name != "x-amz-date") headers.emplace_back(name, std::string(ours.header(name)));
    if (semi == std::string::npos) break;
    pos = semi + 1;
  }
  std::string host(ours.header("host"));
  EXPECT_EQ(auth, smithy_authorization(host.substr(0, host.find(':')) + host.substr(host.find(':')),
                                       "/", headers, ours.body,
                                       iso_from_amz(std::string(ours.header("x-amz-date"))),
                                       "eu-west-1", {kAccessKey, kSecret, ""}));
}

TEST(MetricsCloudWatch, SinkPublishesAndRetriesAfterServerError) {
  std::atomic<int> fail_first{1};
  auto server = cloudwatch_capture(&fail_first);
  CredentialsChain chain(
      {.sources = {
           .access_key_id = kAccessKey, .secret_access_key = kSecret, .session_token = "session"}});
  CloudWatchClient client({.region = "us-east-1", .endpoint = server.url()}, chain);
  CloudWatchSink sink(client);
  Publisher publisher(sink,
                      [] {
                        return PublisherInput{{.waiting = 4, .active = 2},
                                              std::vector<WorkerInfo>{},
                                              std::chrono::system_clock::now()};
                      },
                      {.retry_initial = 10ms, .retry_max = 20ms});
  EXPECT_TRUE(publisher.publish_once(std::chrono::steady_clock::now() + 5s));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);  // a 500, then the retry
  EXPECT_EQ(requests[1].header("x-amz-security-token"), "session");
  auto body = boost::json::parse(requests[1].body).as_object();
  EXPECT_EQ(body.at("Namespace").as_string(), "CrawlerService");
  const auto& data = body.at("MetricData").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("MetricName").as_string(), "QueueWaitingJobs");
  EXPECT_EQ(data[0].at("Value").to_number<double>(), 6);
  EXPECT_EQ(data[1].at("MetricName").as_string(), "QueueBacklogPerWorker");
  EXPECT_EQ(data[1].at("Value").to_number<double>(), 4);
}

TEST(MetricsCloudWatch, NoCredentialsSkipsWithoutCalling) {
  auto server = cloudwatch_capture();
  CredentialsChain chain({.sources = {.ec2_metadata_disabled = true}});
  CloudWatchClient client({.region = "us-east-1", .endpoint = server.url()}, chain);
  EXPECT_EQ(client.put_metric_data("CrawlerService", {{"QueueWaitingJobs", 1}}),
            PutOutcome::no_credentials);
  CloudWatchSink sink(client);
  EXPECT_NO_THROW(sink.publish("CrawlerService", {{"QueueWaitingJobs", 1}}));
  EXPECT_TRUE(server.requests().empty());
}

std::string creds_json(const std::string& id, std::chrono::system_clock::time_point expires,
                       bool imds = false) {
  std::time_t t = std::chrono::system_clock::to_time_t(expires);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  boost::json::object o{{"AccessKeyId", id},
                        {"SecretAccessKey", "secret-" + id},
                        {"Token", "token-" + id},
                        {"Expiration", buf}};
  if (imds) o["Code"] = "Success";
  return boost::json::serialize(o);
}

TEST(MetricsCredentials, EcsRelativeAndFullUri) {
  std::atomic<int> fetches{0};
  const auto expires = std::chrono::system_clock::now() + 1h;
  CaptureServer ecs([&](http::Router& r, CaptureServer&) {
    r.get("/v2/credentials/task-1", [&](http::Request&) {
      ++fetches;
      return http::Response::json(200, creds_json("ASIARELATIVE", expires));
    });
    r.get("/full", [&](http::Request& req) {
      if (req.header("authorization") != "secret-token") return http::Response::json(401, "{}");
      return http::Response::json(200, creds_json("ASIAFULL", expires));
    });
  });

  CredentialsChain relative(
      {.sources = {.container_relative_uri = "/v2/credentials/task-1"}, .ecs_host = ecs.url()});
  auto c = relative.resolve();
  ASSERT_TRUE(c) << relative.last_error();
  EXPECT_EQ(c->source, "ecs");
  EXPECT_EQ(c->keys.access_key_id, "ASIARELATIVE");
  EXPECT_EQ(c->keys.session_token, "token-ASIARELATIVE");
  relative.resolve();  // cached: an hour left
  EXPECT_EQ(fetches.load(), 1);

  CredentialsChain full({.sources = {.container_full_uri = ecs.url() + "/full",
                                     .container_token = "secret-token",
                                     .ec2_metadata_disabled = true}});
  ASSERT_TRUE(full.resolve()) << full.last_error();
  EXPECT_EQ(full.resolve()->keys.access_key_id, "ASIAFULL");

  crawler::testing::TempDir dir("metrics-token");
  std::ofstream(dir.path() / "token") << "secret-token\n";
  CredentialsChain file({.sources = {.container_full_uri = ecs.url() + "/full",
                                     .container_token_file = (dir.path() / "token").string(),
                                     .container_token = "wrong",
                                     .ec2_metadata_disabled = true}});
  ASSERT_TRUE(file.resolve()) << file.last_error();

  // A plain-http FULL_URI to a non-loopback host is refused, as the SDKs do.
  CredentialsChain remote({.sources = {.container_full_uri = "http://example.com/creds",
                                       .ec2_metadata_disabled = true}});
  EXPECT_FALSE(remote.resolve());
  EXPECT_NE(remote.last_error().find("FULL_URI"), std::string::npos);
  EXPECT_EQ(remote.last_error().find("secret"), std::string::npos);
}

TEST(MetricsCredentials, ImdsV2WithTokenAndRefreshBeforeExpiry) {
  std::atomic<int> fetches{0};
  std::atomic<int> tokenless{0};
  auto now = std::chrono::system_clock::now();
  CaptureServer imds([&](http::Router& r, CaptureServer&) {
    r.put("/latest/api/token", [&](http::Request& req) {
      if (req.header("x-aws-ec2-metadata-token-ttl-seconds").empty())
        return http::Response::text(400, "ttl required");
      return http::Response::text(200, "TOKEN-1");
    });
    r.get("/latest/meta-data/iam/security-credentials/", [&](http::Request& req) {
      if (req.header("x-aws-ec2-metadata-token") != "TOKEN-1") {
        ++tokenless;
        return http::Response::text(401, "");
      }
      return http::Response::text(200, "crawler-role");
    });
    r.get("/latest/meta-data/iam/security-credentials/crawler-role", [&](http::Request& req) {
      if (req.header("x-aws-ec2-metadata-token") != "TOKEN-1") return http::Response::text(401, "");
      ++fetches;
      return http::Response::json(
          200, creds_json("ASIAIMDS" + std::to_string(fetches.load()), now + 10min, true));
    });
  });
  auto clock_offset = std::make_shared<std::atomic<int>>(0);
  CredentialsChain chain(
      {.sources = {.ec2_metadata_endpoint = imds.url() + "/"}, .clock = [clock_offset] {
         return std::chrono::system_clock::now() + std::chrono::minutes(clock_offset->load());
       }});
  auto c = chain.resolve();
  ASSERT_TRUE(c) << chain.last_error();
  EXPECT_EQ(c->source, "imds");
  EXPECT_EQ(c->keys.access_key_id, "ASIAIMDS1");
  EXPECT_EQ(chain.resolve()->keys.access_key_id, "ASIAIMDS1");  // 10 min left > 5 min margin
  *clock_offset = 6;  // 4 min left: refreshed ahead of expiry
  EXPECT_EQ(chain.resolve()->keys.access_key_id, "ASIAIMDS2");
  EXPECT_EQ(tokenless.load(), 0);
  auto reqs = imds.requests();
  ASSERT_GE(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");  // token first
}

}  // namespace
}  // namespace crawler::metrics
