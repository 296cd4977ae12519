// Embedded mode end to end: the `crawler` binary with neither DATABASE_URL nor REDIS_URL keeps
// everything in DATA_DIR/crawler.db and runs every role in one process.
//   - `crawler --demo` (the README's run command) brings the API up with the demo's rankings
//     arriving, and live rank_updated events to a real socket.io-client;
//   - roles that cannot share an embedded queue are refused with exit 2 and a clear message;
//   - a process SIGKILLed with crawls in flight loses no job: after a restart on the same
//     file every queued keyword gets its check.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>

#include "crawl/sample_site/site.h"
#include "support/crawler_process.h"
#include "support/events_peer.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"

namespace crawler::testing {
namespace {

using namespace std::chrono_literals;
namespace site = crawler::crawl::sample_site;

boost::json::object data_of(const HttpResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  auto v = boost::json::parse(r.body);
  return v.as_object().at("data").as_object();
}

struct EmbeddedServer {
  int port = free_port();
  CrawlerProcess process;
  EmbeddedServer(const std::vector<std::string>& args, const std::filesystem::path& data_dir,
                 std::map<std::string, std::string> env = {})
      : process(args, with_defaults(std::move(env), port, data_dir)) {
    wait_until_ready(url("/ready"), process);
  }
  static std::map<std::string, std::string> with_defaults(std::map<std::string, std::string> env,
                                                          int port,
                                                          const std::filesystem::path& data_dir) {
    env["PORT"] = std::to_string(port);
    env.try_emplace("SCHEDULER_PORT", std::to_string(free_port()));
    env["DATA_DIR"] = data_dir.string();
    env.try_emplace("METRICS_SINK", "none");
    return env;
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

TEST(EmbeddedMode, DemoServesRankingsAndLiveEventsWithoutServers) {
  TempDir dir;
  // Re-check every keyword every couple of seconds, so live events keep coming.
  EmbeddedServer server({"--demo"}, dir.path() / "data",
                        {{"SCHEDULER_CRON", "*/2 * * * * *"},
                         {"SCHEDULER_INTERVAL_MS", "1000"},
                         {"WORKER_INTERVAL_MS", "0"}});
  auto ready = boost::json::parse(http_get(server.url("/ready")).body).as_object();
  EXPECT_TRUE(ready.at("dependencies").as_object().contains("sqlite")) << ready;

  EventsPeer peer({"sio", server.url(""), "{}"});
  // Every demo keyword gets its rank, AD and ORGANIC.
  ASSERT_TRUE(poll_until(
      [&] {
        auto page = data_of(http_get(server.url("/api/keywords?limit=50")));
        const auto& rows = page.at("keywords").as_array();
        if (rows.size() < 5) return false;
        for (const auto& k : rows)
          if (k.as_object().at("last_checked_at").is_null()) return false;
        return true;
      },
      30s))
      << server.process.log();
  auto page = data_of(http_get(
      server.url("/api/keywords?limit=50&search=" + std::string("%EA%B0%95%EB%82%A8"))));  // 강남
  ASSERT_EQ(page.at("total").as_int64(), 1);
  const auto& gangnam = page.at("keywords").as_array()[0].as_object();
  EXPECT_EQ(gangnam.at("keyword").as_string(), "강남 맛집");
  const auto expected = site::rank_of("강남 맛집", gangnam.at("url").as_string(), site::Page::ad);
  ASSERT_TRUE(expected);
  EXPECT_EQ(gangnam.at("last_rank").as_int64(), *expected);

  auto history = boost::json::parse(
      http_get(
          server.url("/api/rankings/" + std::to_string(gangnam.at("id").as_int64()) + "/rankings"))
          .body);
  std::set<std::string> types;
  for (const auto& r : history.as_object().at("data").as_array())
    types.insert(std::string(r.as_object().at("rank_type").as_string()));
  EXPECT_EQ(types, (std::set<std::string>{"AD", "ORGANIC"}));

  // Live: rank_updated events reach a socket.io client, and the keyword whose target (1) is
  // better than its rank raises rank_alert.
  auto is_event = [](const char* name) {
    return [name](const boost::json::object& l) {
      return l.at("type") == "event" && l.at("event") == name;
    };
  };
  EXPECT_TRUE(peer.wait_for(is_event("rank_updated"), 20s)) << peer.output();
  EXPECT_TRUE(peer.wait_for(is_event("rank_alert"), 20s)) << peer.output();
}

TEST(EmbeddedMode, RolesThatCannotShareTheEmbeddedQueueAreRefused) {
  TempDir dir;
  const std::map<std::string, std::string> env{{"DATA_DIR", (dir.path() / "data").string()}};
  for (const char* roles : {"--process=worker", "--process=scheduler", "--process=autoscaler"}) {
    auto r = run_crawler({roles}, env);
    EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << roles << ": " << r.output;
    EXPECT_NE(r.output.find("without DATABASE_URL and REDIS_URL"), std::string::npos)
        << roles << ": " << r.output;
  }
  auto only_db = env;
  only_db["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/crawler";
  auto r = run_crawler({}, only_db);
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
  EXPECT_NE(r.output.find("DATABASE_URL is set but REDIS_URL is not"), std::string::npos)
      << r.output;
  auto only_redis = env;
  only_redis["REDIS_URL"] = "redis://127.0.0.1:6379";
  r = run_crawler({"--process=worker"}, only_redis);
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
  EXPECT_NE(r.output.find("REDIS_URL is set but DATABASE_URL is not"), std::string::npos)
      << r.output;
}

TEST(EmbeddedMode, AProcessKilledWithCrawlsInFlightLosesNoJob) {
  TempDir dir;
  site::Site sample(site::Options{.slow_delay = 1500ms});
  sample.start();
  const std::map<std::string, std::string> env{{"SERP_AD_URL", sample.ad_url_template()},
                                               {"CRAWL_ALLOW_PRIVATE", "1"},
                                               {"WORKER_CONCURRENCY", "2"},
                                               {"WORKER_INTERVAL_MS", "0"},
                                               {"SHUTDOWN_TIMEOUT_MS", "1000"}};
  const auto data_dir = dir.path() / "data";
  constexpr int kKeywords = 6;
  std::vector<std::int64_t> ids;
  {
    EmbeddedServer first({}, data_dir, env);
    for (int i = 0; i < kKeywords; ++i) {
      const std::string keyword = "sample:slow:가방 " + std::to_string(i);
      const auto domain = site::results(keyword, site::Page::ad)[2].domain;
      auto body =
          boost::json::serialize(boost::json::object{{"keyword", keyword}, {"url", domain}});
      auto r = http_request("POST", first.url("/api/keywords"), body,
                            {"Content-Type: application/json"});
      ASSERT_EQ(r.status, 201) << r.body;
      ids.push_back(boost::json::parse(r.body).at("data").at("id").as_int64());
    }
    boost::json::array id_list;
    for (auto id : ids) id_list.push_back(id);
    auto r = http_request("POST", first.url("/api/jobs/enqueue/priority"),
                          boost::json::serialize(boost::json::object{{"ids", id_list}}),
                          {"Content-Type: application/json"});
    ASSERT_EQ(r.status, 200) << r.body;
    // Two crawls in flight (each page takes 1.5 s): kill the process under them.
    ASSERT_TRUE(poll_until([&] { return sample.searches().size() >= 2; }, 20s));
    ASSERT_TRUE(first.process.process.send_signal(SIGKILL));
    ASSERT_TRUE(first.process.process.wait_for(10s).has_value());
  }
  EmbeddedServer second({}, data_dir, env);
  ASSERT_TRUE(poll_until(
      [&] {
        for (auto id : ids) {
          auto k =
              boost::json::parse(http_get(second.url("/api/keywords/" + std::to_string(id))).body);
          if (k.at("data").at("last_checked_at").is_null()) return false;
        }
        return true;
      },
      40s))
      << second.process.log();
  auto counts = data_of(http_get(second.url("/api/jobs/queue")));
  EXPECT_EQ(counts.at("failed").as_int64(), 0) << counts;
  EXPECT_EQ(counts.at("active").as_int64(), 0) << counts;
  EXPECT_EQ(counts.at("waiting").as_int64(), 0) << counts;
}

}  // namespace
}  // namespace crawler::testing
