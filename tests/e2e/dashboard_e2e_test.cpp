// The web dashboard end to end: a real api process (serving the dashboard built into the
// binary) and a worker process over the shared Redis and PostgreSQL, crawling the local sample
// search site, driven in real headless Chromium by dashboard_e2e.mjs (playwright-core). The
// server is never mocked: every click goes through the REST API, every live update through
// Socket.IO from a real crawl.
//
// This test prepares what the scenarios need from the sample site's public ranking rule (a
// keyword whose rank is known, an .xlsx of keywords, a keyword whose crawl fails), runs the
// driver, and asserts on its exit code and its JSON report (the last line of its output).
//
// CRAWLER_E2E_HOLD=1 keeps the servers up after the run and prints the dashboard's URL (for
// working on the dashboard by hand).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "crawl/sample_site/site.h"
#include "support/crawler_process.h"
#include "support/ports.h"
#include "support/services.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "xlsx/writer.h"

using namespace crawler::testing;
namespace json = boost::json;
namespace site = crawler::crawl::sample_site;
using namespace std::chrono_literals;

namespace {

constexpr const char* kApiKey = "e2e-dashboard-key-0123456789";

struct Ranked {
  std::string keyword;
  std::string domain;
  int rank;
};

// Keywords and domains the sample site ranks at `min_rank` or worse on the AD page (and, with
// `organic_absent`, not at all on the ORGANIC page, so the chart shows "not found" markers).
std::vector<Ranked> ranked(int count, int min_rank, const std::string& stem,
                           bool organic_absent = false) {
  std::vector<Ranked> out;
  for (int k = 0; k < 500 && static_cast<int>(out.size()) < count; ++k) {
    std::string keyword = stem + " " + std::to_string(k);
    for (const auto& r : site::results(keyword, site::Page::ad)) {
      auto found = site::rank_of(keyword, r.domain, site::Page::ad);
      if (found && *found >= min_rank &&
          (!organic_absent || !site::rank_of(keyword, r.domain, site::Page::organic))) {
        out.push_back({keyword, r.domain, *found});
        break;
      }
    }
  }
  if (static_cast<int>(out.size()) < count)
    throw std::runtime_error("the sample site ranks too little");
  return out;
}

// The rows, and one more whose url the sample site does not list (a "not found" result).
std::string bulk_xlsx(const std::vector<Ranked>& rows) {
  crawler::xlsx::Table t;
  t.columns = {{"키워드", 20}, {"URL", 30}};
  for (const auto& r : rows) t.rows.push_back({r.keyword, "https://" + r.domain});
  t.rows.push_back({rows.front().keyword, std::string("not-listed.example")});
  return crawler::xlsx::write_xlsx(t);
}

}  // namespace

TEST(DashboardEndToEnd, KeywordsLiveRanksChartsBulkSearchAndQueueInChromium) {
  site::Site sample;
  sample.start();
  auto& services = SharedServices::get();
  std::map<std::string, std::string> env{{"QUEUE_PREFIX", services.unique_prefix()},
                                         {"DATABASE_URL", services.fresh_database_url()},
                                         {"SERP_AD_URL", sample.ad_url_template()},
                                         {"SERP_ORGANIC_URL", sample.organic_url_template()},
                                         {"CRAWL_PROFILES", "AD,ORGANIC"},
                                         {"CRAWL_MODE", "http"},
                                         {"CRAWL_ALLOW_PRIVATE", "1"},
                                         {"WORKER_INTERVAL_MS", "0"},
                                         {"WORKER_HEARTBEAT_INTERVAL_MS", "1000"},
                                         {"METRICS_SINK", "none"},
                                         {"API_KEYS", kApiKey}};
  ApiServer api(env);
  auto worker_env = env;
  worker_env["REDIS_URL"] = services.redis_url();
  worker_env["WORKER_PORT"] = std::to_string(free_port());
  worker_env["WORKER_CONCURRENCY"] = "2";
  CrawlerProcess worker({"--process=worker"}, worker_env);

  // The "check now" keyword: its target one better than its rank, so the check raises an alert.
  auto live = ranked(1, 3, "강남 맛집", true)[0];
  TempDir dir;
  // Pasted into "add many".
  json::array more;
  for (const auto& r : ranked(3, 1, "홍대 술집"))
    more.push_back(json::object{{"keyword", r.keyword}, {"url", r.domain}});
  // An .xlsx for "add many" (keyword and URL columns, as the bulk search's).
  auto import = ranked(2, 1, "신촌 서점");
  auto import_file = dir.path() / "keywords.xlsx";
  {
    crawler::xlsx::Table t;
    t.columns = {{"keyword", 20}, {"url", 30}};
    for (const auto& r : import) t.rows.push_back({r.keyword, r.domain});
    std::ofstream(import_file, std::ios::binary) << crawler::xlsx::write_xlsx(t);
  }
  // The bulk search file.
  auto bulk = ranked(4, 2, "부산 카페");
  auto bulk_file = dir.path() / "bulk.xlsx";
  std::ofstream(bulk_file, std::ios::binary) << bulk_xlsx(bulk);

  json::object config{
      {"baseUrl", api.url("")},
      {"apiKey", kApiKey},
      {"chromium",
       std::getenv("CHROMIUM_PATH") ? std::getenv("CHROMIUM_PATH") : "/usr/bin/chromium"},
      {"screenshots", CRAWLER_E2E_SCREENSHOTS},
      {"downloads", (dir.path() / "downloads").string()},
      {"keyword", live.keyword},
      {"url", "https://www." + live.domain},
      {"expectedRank", live.rank},
      {"targetRank", live.rank - 1},
      {"moreKeywords", more},
      {"importFile", import_file.string()},
      {"importRows", static_cast<std::int64_t>(import.size())},
      {"bulkFile", bulk_file.string()},
      {"bulkRows", static_cast<std::int64_t>(bulk.size() + 1)},
      // The sample site answers this keyword with a redirect to the cloud metadata address,
      // which the crawler refuses to follow: the job fails (after its 3 attempts) with a reason.
      {"failKeyword", "sample:metadata:실패 키워드"},
      {"failUrl", "shop-1.example"},
      {"budgetBytes", 250 * 1024}};
  std::filesystem::remove_all(CRAWLER_E2E_SCREENSHOTS);  // this run's pictures only
  auto config_file = dir.path() / "config.json";
  std::ofstream(config_file) << json::serialize(config);

  SpawnOptions o;
  o.argv = {"node", CRAWLER_E2E_DRIVER, config_file.string()};
  o.env = {{"NODE_PATH", std::string(CRAWLER_WEB_DIR) + "/node_modules"}};
  o.working_dir = CRAWLER_WEB_DIR;
  o.kill_with_parent = true;
  auto started = std::chrono::steady_clock::now();
  auto result = run_command(o, 420s);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << result.output << "\n(driver: " << seconds << " s)\n";

  // The report is the last line that parses as a JSON object.
  json::object report;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    json::error_code ec;
    auto v = json::parse(line, ec);
    if (!ec && v.is_object() && v.as_object().contains("steps")) report = v.as_object();
  }
  EXPECT_TRUE(result.status.success()) << result.status << "\napi log:\n"
                                       << api.process.log() << "\nworker log:\n"
                                       << worker.log();
  ASSERT_FALSE(report.empty()) << "no JSON report from the driver";
  for (const auto& step : report["steps"].as_array())
    EXPECT_TRUE(step.at("ok").as_bool()) << json::serialize(step);
  auto budget = report["budget"].as_object();
  EXPECT_LT(budget["gzipBytes"].as_int64(), 250 * 1024) << json::serialize(budget);
  EXPECT_GT(budget["gzipBytes"].as_int64(), 0);

  if (const char* hold = std::getenv("CRAWLER_E2E_HOLD"); hold && std::string(hold) == "1") {
    std::cout << "dashboard: " << api.url("/") << " (key " << kApiKey << "); Ctrl-C to end\n";
    std::this_thread::sleep_for(std::chrono::hours(1));
  }
}
