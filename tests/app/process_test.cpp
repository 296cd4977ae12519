// The `crawler` binary as operators run it: roles, health and readiness against a real
// redis-server and PostgreSQL, exit codes on bad configuration, graceful SIGTERM.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/redis_server.h"
#include "support/services.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

using namespace crawler::testing;
using namespace std::chrono_literals;

namespace {

using Crawler = CrawlerProcess;

std::string url(int port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

bool answers(int port, const std::string& path, long status) {
  return http_get(url(port, path), 2s).status == status;
}

}  // namespace

TEST(Process, ApiHealthAndReadinessFollowRedis) {
  RedisServer redis;
  redis.start();
  int port = free_port();
  Crawler crawler({"--process=api"},
                  {{"PORT", std::to_string(port)},
                   {"REDIS_URL", redis.url()},
                   {"DATABASE_URL", SharedServices::get().fresh_database_url()}});
  ASSERT_TRUE(poll_until([&] { return answers(port, "/health", 200); }, 20s)) << crawler.log();
  EXPECT_EQ(http_get(url(port, "/health")).body, R"({"status":"ok"})");
  EXPECT_TRUE(poll_until([&] { return answers(port, "/ready", 200); }, 10s))
      << http_get(url(port, "/ready")).body;

  redis.stop();
  auto ready = http_get(url(port, "/ready"));
  EXPECT_EQ(ready.status, 503) << ready.body;
  auto body = boost::json::parse(ready.body).as_object();
  EXPECT_EQ(body["dependencies"].at("redis").at("status").as_string(), "down");
  EXPECT_EQ(body["dependencies"].at("postgres").at("status").as_string(), "ok");
  EXPECT_TRUE(answers(port, "/health", 200)) << "liveness does not depend on Redis";

  redis.restart();
  EXPECT_TRUE(poll_until([&] { return answers(port, "/ready", 200); }, 10s));

  ASSERT_TRUE(crawler.process.send_signal(SIGTERM));
  auto status = crawler.process.wait_for(10s);
  ASSERT_TRUE(status.has_value()) << "SIGTERM must stop the process";
  EXPECT_TRUE(status->success()) << status->describe() << "\n" << crawler.log();
}

TEST(Process, ReadyIs503WhilePostgresIsUnreachable) {
  int port = free_port();
  Crawler crawler({"--process", "api", "ws"},
                  {{"PORT", std::to_string(port)},
                   {"REDIS_URL", SharedServices::get().redis_url()},
                   {"DATABASE_URL",
                    "postgresql://postgres@127.0.0.1:" + std::to_string(free_port()) + "/none"}});
  ASSERT_TRUE(poll_until([&] { return answers(port, "/health", 200); }, 20s)) << crawler.log();
  auto ready = http_get(url(port, "/ready"));
  EXPECT_EQ(ready.status, 503);
  auto body = boost::json::parse(ready.body).as_object();
  EXPECT_EQ(body["dependencies"].at("postgres").at("status").as_string(), "down");
  EXPECT_EQ(body["dependencies"].at("redis").at("status").as_string(), "ok");
}

TEST(Process, SchedulerAndWorkerServeHealthOnTheirOwnPorts) {
  int scheduler_port = free_port(), worker_port = free_port();
  Crawler crawler({"--process=scheduler,worker"},
                  {{"SCHEDULER_PORT", std::to_string(scheduler_port)},
                   {"WORKER_PORT", std::to_string(worker_port)},
                   {"REDIS_URL", SharedServices::get().redis_url()},
                   {"DATABASE_URL", SharedServices::get().fresh_database_url()}});
  ASSERT_TRUE(poll_until([&] { return answers(scheduler_port, "/health", 200); }, 20s))
      << crawler.log();
  EXPECT_TRUE(poll_until([&] { return answers(worker_port, "/health", 200); }, 5s));
  EXPECT_TRUE(answers(worker_port, "/ready", 200));
}

TEST(Process, LogsAreOneJsonObjectPerLineWithoutSecrets) {
  int port = free_port();
  RedisServer::Options options;
  options.password = "s3cret-pass";
  RedisServer redis(options);
  redis.start();
  Crawler crawler({"--process=api"},
                  {{"PORT", std::to_string(port)},
                   {"REDIS_URL", redis.authenticated_url()},
                   {"DATABASE_URL", SharedServices::get().fresh_database_url()}});
  ASSERT_TRUE(poll_until([&] { return answers(port, "/ready", 200); }, 20s)) << crawler.log();
  crawler.process.send_signal(SIGTERM);
  ASSERT_TRUE(crawler.process.wait_for(10s).has_value());
  std::string log = crawler.log();
  EXPECT_EQ(log.find("s3cret-pass"), std::string::npos) << log;
  std::istringstream lines(log);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    auto v = boost::json::parse(line).as_object();  // throws if not JSON
    EXPECT_TRUE(v.contains("time") && v.contains("level") && v.contains("role") &&
                v.contains("msg"))
        << line;
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(Process, UnknownRoleExitsTwoNamingTheValidRoles) {
  auto r = run_crawler({"--process=bogus"}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
  EXPECT_NE(r.output.find("'bogus'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("api, ws, scheduler, worker"), std::string::npos) << r.output;

  r = run_crawler({}, {{"PROCESS_TYPE", "api,nope"}});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
}

TEST(Process, InvalidValuesExitTwoNamingTheVariable) {
  struct Case {
    std::string var, value;
  };
  for (const auto& c : std::vector<Case>{{"PORT", "abc"},
                                         {"WORKER_CONCURRENCY", "0"},
                                         {"REDIS_URL", "localhost:6379"},
                                         {"DATABASE_URL", "mysql://x/y"},
                                         {"SHUTDOWN_TIMEOUT_MS", "-1"}}) {
    auto r = run_crawler({"--process=api"}, {{c.var, c.value}});
    EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << c.var << ": " << r.output;
    EXPECT_NE(r.output.find(c.var), std::string::npos) << r.output;
  }
  auto r = run_crawler({"--port=99999"}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
  EXPECT_NE(r.output.find("--port"), std::string::npos) << r.output;
  r = run_crawler({"--no-such-flag"}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2)) << r.output;
}

TEST(Process, HelpListsEveryVariableAndVersionPrints) {
  auto r = run_crawler({"--help"}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(0));
  for (auto var : {"PROCESS_TYPE", "PORT", "SCHEDULER_PORT", "WORKER_PORT", "DATABASE_URL",
                   "REDIS_URL", "WORKER_CONCURRENCY", "SCEDULER_INTERVAL_MS",
                   "PUPPETEER_EXECUTABLE_PATH", "SHUTDOWN_TIMEOUT_MS", "LOG_FORMAT"})
    EXPECT_NE(r.output.find(var), std::string::npos) << var;
  r = run_crawler({"version"}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(0));
  EXPECT_NE(r.output.find("crawler "), std::string::npos);
}

TEST(Process, DotEnvFileIsReadAndEnvironmentWins) {
  TempDir dir;
  int port = free_port();
  {
    std::ofstream env(dir.path() / "app.env");
    env << "PORT=" << port << "\nLOG_LEVEL=loud\n";
  }
  auto r = run_crawler({"--env-file", (dir.path() / "app.env").string()}, {});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(2));
  EXPECT_NE(r.output.find("LOG_LEVEL (.env)='loud'"), std::string::npos) << r.output;
  // The environment overrides the file's bad value; the file's PORT is used.
  Crawler crawler({"--process=api", "--env-file", (dir.path() / "app.env").string()},
                  {{"LOG_LEVEL", "debug"},
                   {"REDIS_URL", SharedServices::get().redis_url()},
                   {"DATABASE_URL", SharedServices::get().fresh_database_url()}});
  EXPECT_TRUE(poll_until([&] { return answers(port, "/health", 200); }, 20s)) << crawler.log();
}

TEST(Process, MigrateSubcommandAndApiStartApplyTheSchema) {
  auto db = SharedServices::get().fresh_database_url();
  auto r = run_crawler({"migrate"}, {{"DATABASE_URL", db}});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(0)) << r.output;
  EXPECT_NE(r.output.find("0001_initial"), std::string::npos) << r.output;
  r = run_crawler({"migrate"}, {{"DATABASE_URL", db}});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(0)) << r.output;
  EXPECT_EQ(r.output.find("0001_initial"), std::string::npos) << "nothing left to apply";
  EXPECT_EQ(r.output.find("NOTICE"), std::string::npos) << "server notices stay out of the logs";

  r = run_crawler(
      {"migrate"},
      {{"DATABASE_URL", "postgresql://postgres@127.0.0.1:" + std::to_string(free_port()) + "/x"}});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(1)) << r.output;

  // The api applies them at start; /ready waits for it.
  int port = free_port();
  auto fresh = SharedServices::get().fresh_database_url();
  Crawler crawler({"--process=api"}, {{"PORT", std::to_string(port)},
                                      {"REDIS_URL", SharedServices::get().redis_url()},
                                      {"DATABASE_URL", fresh}});
  ASSERT_TRUE(poll_until([&] { return answers(port, "/ready", 200); }, 20s)) << crawler.log();
  EXPECT_NE(crawler.log().find("0001_initial"), std::string::npos);
}

TEST(Process, PortInUseFailsStartupClearly) {
  RedisServer redis;
  redis.start();
  auto r = run_crawler({"--process=api"},
                       {{"PORT", std::to_string(redis.port())},
                        {"REDIS_URL", redis.url()},
                        {"DATABASE_URL", "postgresql://postgres@127.0.0.1:1/unused"}});
  EXPECT_EQ(r.status, ExitStatus::from_exit_code(1)) << r.output;
  EXPECT_NE(r.output.find("cannot listen"), std::string::npos) << r.output;
}
