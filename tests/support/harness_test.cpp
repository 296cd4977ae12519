// Tests of the test harness itself, against real processes and servers: if these fail, every
// integration test's failure is suspect. Registered as INTEGRATION, so under CTest the shared
// services come from the crawler_services fixture; run directly, the binary starts its own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>

#include "support/env_file.h"
#include "support/files.h"
#include "support/pg_admin.h"
#include "support/ports.h"
#include "support/postgres_server.h"
#include "support/redis_ping.h"
#include "support/redis_server.h"
#include "support/services.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/tool_paths.h"

namespace crawler::testing {
namespace {

using namespace std::chrono_literals;

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// Runs redis-cli against a plain server and returns its output without the trailing newline.
std::string redis_cli(int port, std::vector<std::string> args) {
  args.insert(args.begin(), {redis_cli_program(), "-h", "127.0.0.1", "-p", std::to_string(port)});
  std::string output = run_checked(SpawnOptions{.argv = std::move(args)}, 10s);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

// ---- Subprocess ----

TEST(Subprocess, ReportsExitCode) {
  Subprocess child(SpawnOptions{.argv = {"/bin/sh", "-c", "exit 3"}});
  auto status = child.wait_for(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->exited());
  EXPECT_FALSE(status->signaled());
  EXPECT_EQ(status->exit_code(), 3);
  EXPECT_FALSE(status->success());
  EXPECT_FALSE(child.running());
  EXPECT_THROW(status->term_signal(), std::logic_error);
}

TEST(Subprocess, ReportsSignal) {
  Subprocess child(SpawnOptions{.argv = {"sleep", "30"}});
  EXPECT_GT(child.pid(), 0);
  EXPECT_TRUE(child.running());
  EXPECT_TRUE(child.send_signal(SIGTERM));
  auto status = child.wait_for(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->signaled());
  EXPECT_EQ(status->term_signal(), SIGTERM);
  EXPECT_EQ(*status, ExitStatus::from_signal(SIGTERM));
  EXPECT_FALSE(child.send_signal(SIGTERM)) << "a reaped child must not be signalled";
}

TEST(Subprocess, ReportsSignalTheChildSentItself) {
  Subprocess child(SpawnOptions{.argv = {"/bin/sh", "-c", "kill -USR1 $$"}});
  EXPECT_EQ(child.wait(), ExitStatus::from_signal(SIGUSR1));
}

TEST(Subprocess, WaitTimesOutAndTerminateEscalates) {
  // sleep inherits the ignored SIGTERM across exec, so terminate() must fall back to SIGKILL.
  Subprocess child(SpawnOptions{.argv = {"/bin/sh", "-c", "trap '' TERM; exec sleep 30"}});
  EXPECT_FALSE(child.wait_for(50ms).has_value());
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.terminate(200ms, SIGTERM), ExitStatus::from_signal(SIGKILL));
}

TEST(Subprocess, DestructorKillsAndReapsARunningChild) {
  pid_t pid = 0;
  {
    Subprocess child(SpawnOptions{.argv = {"sleep", "30"}});
    pid = child.pid();
  }
  errno = 0;
  EXPECT_EQ(::kill(pid, 0), -1) << "pid " << pid << " still exists (not reaped?)";
  EXPECT_EQ(errno, ESRCH);
}

TEST(Subprocess, PassesEnvironmentAndRedirectsOutput) {
  TempDir dir;
  const auto out = dir.path() / "out.log";
  const auto err = dir.path() / "err.log";
  Subprocess child(SpawnOptions{.argv = {"/bin/sh", "-c", "echo \"$GREETING\"; echo oops >&2; pwd"},
                                .env = {{"GREETING", "hello harness"}},
                                .stdout_file = out,
                                .stderr_file = err,
                                .working_dir = dir.path()});
  ASSERT_TRUE(child.wait().success());
  EXPECT_EQ(read_file(out), "hello harness\n" + dir.path().string() + "\n");
  EXPECT_EQ(read_file(err), "oops\n");
}

TEST(Subprocess, DoesNotLeakFileDescriptors) {
  CommandResult result = run_command(SpawnOptions{.argv = {"/bin/ls", "/proc/self/fd"}});
  ASSERT_TRUE(result.status.success()) << result.output;
  // 0, 1, 2 and the descriptor ls opens to read the directory.
  std::set<std::string> fds;
  for (std::size_t start = 0, end; (end = result.output.find('\n', start)) != std::string::npos;
       start = end + 1) {
    fds.insert(result.output.substr(start, end - start));
  }
  EXPECT_LE(fds.size(), 4u) << result.output;
}

TEST(Subprocess, FailedExecThrows) {
  EXPECT_THROW(Subprocess(SpawnOptions{.argv = {"/nonexistent/program"}}), std::runtime_error);
  EXPECT_THROW(Subprocess(SpawnOptions{.argv = {"no-such-program-anywhere"}}), std::runtime_error);
}

TEST(Subprocess, RunCheckedThrowsWithOutput) {
  try {
    run_checked(SpawnOptions{.argv = {"/bin/sh", "-c", "echo broken-thing; exit 4"}});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("exited with code 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("broken-thing"), std::string::npos) << e.what();
  }
}

// ---- small helpers ----

TEST(Ports, FreePortIsUsableAndNotListening) {
  int port = free_port();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
  EXPECT_FALSE(port_is_listening(port));
}

TEST(EnvFile, RoundTrips) {
  TempDir dir;
  const auto path = dir.path() / "services.env";
  write_env_file(path, {{"REDIS_URL", "redis://127.0.0.1:1"}, {"X", "a=b"}});
  append_file(path, "\n# comment\n");
  EnvMap values = read_env_file(path);
  EXPECT_EQ(values.size(), 2u);
  EXPECT_EQ(values["REDIS_URL"], "redis://127.0.0.1:1");
  EXPECT_EQ(values["X"], "a=b");
}

// ---- Redis ----

TEST(SharedRedis, AnswersPingOnARawSocket) {
  const std::string url = SharedServices::get().redis_url();
  ASSERT_EQ(url.rfind("redis://127.0.0.1:", 0), 0u) << url;
  EXPECT_EQ(redis_ping_reply(port_of(url)), "+PONG");
}

TEST(SharedRedis, UniquePrefixesDiffer) {
  auto& services = SharedServices::get();
  std::set<std::string> prefixes;
  for (int i = 0; i < 100; ++i) prefixes.insert(services.unique_prefix());
  EXPECT_EQ(prefixes.size(), 100u);
}

TEST(RedisServer, RestartKeepsThePort) {
  RedisServer redis;
  redis.start();
  const int port = redis.port();
  EXPECT_EQ(redis.url(), "redis://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(redis_ping(port));

  redis.stop();
  EXPECT_FALSE(redis.running());
  EXPECT_FALSE(redis_ping_reply(port, {}, 500ms).has_value());

  redis.restart();
  EXPECT_EQ(redis.port(), port);
  EXPECT_TRUE(redis_ping(port));

  redis.kill();
  EXPECT_FALSE(redis_ping_reply(port, {}, 500ms).has_value());
  redis.restart();
  EXPECT_EQ(redis.port(), port);
  EXPECT_TRUE(redis_ping(port));
}

TEST(RedisServer, DataIsGoneAfterRestartWithoutPersistence) {
  RedisServer redis;
  redis.start();
  EXPECT_EQ(redis_cli(redis.port(), {"SET", "k", "v"}), "OK");
  redis.restart();
  EXPECT_EQ(redis_cli(redis.port(), {"EXISTS", "k"}), "0");
}

TEST(RedisServer, PersistenceSurvivesAKill) {
  RedisServer redis(RedisServer::Options{.persistence = true});
  redis.start();
  EXPECT_EQ(redis_cli(redis.port(), {"SET", "k", "kept"}), "OK");
  redis.kill();
  redis.restart();
  EXPECT_EQ(redis_cli(redis.port(), {"GET", "k"}), "kept");
}

TEST(RedisServer, TlsAnswersRedisCli) {
  RedisServer redis(RedisServer::Options{.tls = true});
  redis.start();
  EXPECT_EQ(redis.tls_url(), "rediss://127.0.0.1:" + std::to_string(redis.port()));
  EXPECT_THROW((void)redis.url(), std::logic_error);
  ASSERT_TRUE(std::filesystem::exists(redis.ca_file()));

  CommandResult result = run_command(
      SpawnOptions{.argv = {redis_cli_program(), "--tls", "--cacert", redis.ca_file().string(),
                            "-h", "127.0.0.1", "-p", std::to_string(redis.port()), "PING"}});
  EXPECT_TRUE(result.status.success()) << result.output;
  EXPECT_EQ(result.output, "PONG\n");
  // The certificate also verifies by host name.
  EXPECT_TRUE(run_command(SpawnOptions{.argv = {openssl_program(), "verify", "-CAfile",
                                                redis.ca_file().string(), "-verify_ip", "127.0.0.1",
                                                (redis.dir() / "tls" / "server.crt").string()}})
                  .status.success());
  // Plain RESP on the TLS port gets no PONG.
  EXPECT_NE(redis_ping_reply(redis.port(), {}, 500ms), "+PONG");
}

TEST(RedisServer, PasswordAndAclUser) {
  RedisServer redis(
      RedisServer::Options{.password = "s3cret", .acl_user = RedisAclUser{"crawler", "p@ss word"}});
  redis.start();
  const int port = redis.port();
  EXPECT_EQ(redis_ping_reply(port).value_or("").rfind("-NOAUTH", 0), 0u);
  EXPECT_EQ(redis_ping_reply(port, {.password = "s3cret"}), "+PONG");
  EXPECT_EQ(redis_ping_reply(port, {.user = "crawler", .password = "p@ss word"}), "+PONG");
  EXPECT_NE(redis_ping_reply(port, {.user = "crawler", .password = "wrong"}), "+PONG");
  EXPECT_EQ(redis.authenticated_url(),
            "redis://crawler:p%40ss%20word@127.0.0.1:" + std::to_string(port));
}

TEST(RedisServer, StartupFailureReportsTheLogTail) {
  RedisServer redis(RedisServer::Options{.extra_args = {"--no-such-directive", "1"}});
  try {
    redis.start();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("exited with code 1 during startup"), std::string::npos) << message;
    EXPECT_NE(message.find("no-such-directive"), std::string::npos) << message;
  }
}

TEST(RedisServer, RestartFailsClearlyWhenThePortWasTaken) {
  RedisServer redis;
  redis.start();
  const int port = redis.port();
  redis.stop();
  // Someone else listens on the port now.
  const int squatter = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(::bind(squatter, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(squatter, 1), 0);
  try {
    redis.restart();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos) << e.what();
  }
  ::close(squatter);
}

TEST(RedisServer, DetachedServerOutlivesItsObject) {
  TempDir dir("crawler-detached");
  int port = 0;
  {
    RedisServer redis(RedisServer::Options{.detached = true, .dir = dir.path() / "redis"});
    redis.start();
    port = redis.port();
  }
  EXPECT_TRUE(redis_ping(port));
  RedisServer::stop_detached(dir.path() / "redis");
  EXPECT_FALSE(redis_ping_reply(port, {}, 500ms).has_value());
  RedisServer::stop_detached(dir.path() / "redis");  // idempotent
}

// ---- PostgreSQL ----

TEST(SharedPostgres, FreshDatabasesAreDistinctAndConnectable) {
  auto& services = SharedServices::get();
  const std::string first = services.fresh_database_url();
  const std::string second = services.fresh_database_url();
  ASSERT_NE(first, second);

  for (const auto& url : {first, second}) {
    PGconn* connection = PQconnectdb(url.c_str());
    ASSERT_EQ(PQstatus(connection), CONNECTION_OK) << url << ": " << PQerrorMessage(connection);
    PQfinish(connection);
  }
  EXPECT_NE(query_value(first, "SELECT current_database()"),
            query_value(second, "SELECT current_database()"));

  execute_sql(first, "CREATE TABLE only_in_first (id int); INSERT INTO only_in_first VALUES (1)");
  EXPECT_EQ(query_value(first, "SELECT count(*) FROM only_in_first"), "1");
  EXPECT_EQ(query_value(second, "SELECT to_regclass('only_in_first')::text"), std::nullopt);
}

TEST(PostgresServer, StartsStopsAndRestartsOnTheSamePort) {
  PostgresServer postgres;
  postgres.start();
  const int port = postgres.port();
  EXPECT_EQ(postgres.admin_url(),
            "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/postgres");
  EXPECT_EQ(query_value(postgres.admin_url(), "SHOW fsync"), "off");
  EXPECT_EQ(query_value(postgres.admin_url(), "SHOW listen_addresses"), "127.0.0.1");

  const std::string url = postgres.create_database();
  execute_sql(url, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");

  postgres.stop();
  EXPECT_FALSE(postgres.running());
  EXPECT_FALSE(postgres_accepts_connections(postgres.admin_url()));

  postgres.restart();
  EXPECT_EQ(postgres.port(), port);
  EXPECT_EQ(query_value(url, "SELECT v FROM t"), "kept");
}

}  // namespace
}  // namespace crawler::testing
