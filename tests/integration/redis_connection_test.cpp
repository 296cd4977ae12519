// Integration tests for redis::Connection against real redis-server processes started by the
// test harness (support/redis_server.h): plain TCP, password and ACL-user AUTH, TLS with the
// harness's throwaway CA, and the failure cases — wrong credentials, a server that stops or
// dies, a peer that accepts TCP but never answers. Failure tests assert both the error and
// that it came within (a generous multiple of) the configured timeout: no hang.
//
// Basic command tests share the process-wide Redis (SharedServices) under a unique key
// prefix; tests needing special server settings or stopping the server start their own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "redis/connection.h"
#include "redis/script.h"
#include "support/ports.h"
#include "support/redis_server.h"
#include "support/services.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Connection::Options quick_options() {
  Connection::Options o;
  o.connect_timeout = 5s;
  o.io_timeout = 5s;
  return o;
}

std::chrono::milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Every byte value, plus CRLF and NUL runs: what a text protocol would mangle.
std::string binary_blob() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  s += std::string("\r\n\0\0\r\n$-1\r\n*2\r\n", 16);
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A TCP listener on 127.0.0.1 that never accepts and never answers: the kernel completes
// the handshake from the backlog, then nothing. Models a hung server or a black-holed
// proxy.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("SilentListener: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// ---------------------------------------------------------------------------------------
// Commands on the shared server.

class RedisConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = support::SharedServices::get();
    url_ = services.redis_url();
    prefix_ = services.unique_prefix() + ":";
  }
  std::unique_ptr<Connection> connect() {
    return Connection::connect(parse_url(url_), quick_options());
  }

  std::string url_;
  std::string prefix_;
};

TEST_F(RedisConnectionTest, Ping) {
  auto c = connect();
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
  EXPECT_EQ(c->command({"ECHO", "hello"}), Reply::bulk("hello"));
  EXPECT_FALSE(c->broken());
  EXPECT_EQ(c->endpoint(), parse_url(url_));
}

TEST_F(RedisConnectionTest, SetGetBinaryData) {
  auto c = connect();
  const std::string key = prefix_ + binary_blob();
  const std::string value = binary_blob() + binary_blob();
  EXPECT_TRUE(c->command({"SET", key, value}).is_ok());
  EXPECT_EQ(c->command({"GET", key}), Reply::bulk(value));
  EXPECT_EQ(c->command({"STRLEN", key}), Reply::integer(static_cast<std::int64_t>(value.size())));
  EXPECT_EQ(c->command({"GET", prefix_ + "missing"}), Reply::nil());
  // The vector overload, with an empty value.
  EXPECT_TRUE(c->command(std::vector<std::string>{"SET", prefix_ + "empty", ""}).is_ok());
  EXPECT_EQ(c->command(std::vector<std::string>{"GET", prefix_ + "empty"}), Reply::bulk(""));
}

TEST_F(RedisConnectionTest, LargeValue) {
  auto c = connect();
  std::string value(8 * 1024 * 1024, 'v');
  for (std::size_t i = 0; i < value.size(); i += 4099) value[i] = static_cast<char>(i % 256);
  EXPECT_TRUE(c->command({"SET", prefix_ + "big", value}, 30s).is_ok());
  const Reply r = c->command({"GET", prefix_ + "big"}, 30s);
  ASSERT_TRUE(r.is_string());
  EXPECT_TRUE(r.str() == value);
}

TEST_F(RedisConnectionTest, IntegersAndArrays) {
  auto c = connect();
  const std::string list = prefix_ + "list";
  EXPECT_EQ(c->command({"RPUSH", list, "a", "b", "c"}), Reply::integer(3));
  EXPECT_EQ(c->command({"LRANGE", list, "0", "-1"}),
            Reply::array({Reply::bulk("a"), Reply::bulk("b"), Reply::bulk("c")}));
  EXPECT_EQ(c->command({"LRANGE", prefix_ + "none", "0", "-1"}), Reply::array({}));
  EXPECT_EQ(c->command({"INCRBY", prefix_ + "n", "-5"}), Reply::integer(-5));
}

TEST_F(RedisConnectionTest, ErrorReplyIsReturnedNotThrown) {
  auto c = connect();
  const Reply unknown = c->command({"NOSUCHCOMMAND", "x"});
  ASSERT_TRUE(unknown.is_error());
  EXPECT_TRUE(unknown.str().rfind("ERR", 0) == 0) << unknown;
  EXPECT_TRUE(c->command({"SET", prefix_ + "s", "text"}).is_ok());
  const Reply wrongtype = c->command({"LPUSH", prefix_ + "s", "x"});
  ASSERT_TRUE(wrongtype.is_error());
  EXPECT_TRUE(wrongtype.str().rfind("WRONGTYPE", 0) == 0) << wrongtype;
  EXPECT_FALSE(c->broken());
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisConnectionTest, PipelineOfThousandCommands) {
  auto c = connect();
  const std::string counter = prefix_ + "counter";
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 1000; ++i) commands.push_back({"INCR", counter});
  const auto replies = c->pipeline(commands);
  ASSERT_EQ(replies.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(replies[i], Reply::integer(i + 1)) << "reply " << i;
  EXPECT_EQ(c->command({"GET", counter}), Reply::bulk("1000"));
}

TEST_F(RedisConnectionTest, PipelineKeepsOrderAndErrorReplies) {
  auto c = connect();
  const std::string k = prefix_ + "k";
  const auto replies =
      c->pipeline({{"SET", k, "v"}, {"BOGUS"}, {"GET", k}, {"INCR", k}, {"DEL", k}, {"GET", k}});
  ASSERT_EQ(replies.size(), 6u);
  EXPECT_TRUE(replies[0].is_ok());
  EXPECT_TRUE(replies[1].is_error());
  EXPECT_EQ(replies[2], Reply::bulk("v"));
  EXPECT_TRUE(replies[3].is_error());
  EXPECT_EQ(replies[4], Reply::integer(1));
  EXPECT_EQ(replies[5], Reply::nil());
  EXPECT_TRUE(c->pipeline({}).empty());
  EXPECT_FALSE(c->broken());
}

// Scripts whose text names this test's prefix: Redis has never seen them, so the first
// EVALSHA meets NOSCRIPT as after a restart, without flushing the shared server's cache.
TEST_F(RedisConnectionTest, AScriptRedisLacksIsLoadedAndRunOnce) {
  auto c = connect();
  const std::string key = prefix_ + "n";
  const Script s =
      make_script("incrby", "-- " + prefix_ + "\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");
  EXPECT_EQ(s.sha1, sha1_hex(s.text));
  EXPECT_TRUE(is_noscript(c->command(evalsha_command(s, {key}, {"2"}))));
  EXPECT_EQ(eval_script(*c, s, {key}, {"2"}), Reply::integer(2));
  EXPECT_EQ(eval_script(*c, s, {key}, {"3"}), Reply::integer(5));
  EXPECT_EQ(c->command({"SCRIPT", "LOAD", s.text}), Reply::bulk(s.sha1));
  EXPECT_TRUE(eval_script(*c, s, {key}, {"not a number"}).is_error());  // the script's own
  EXPECT_EQ(c->command({"GET", key}), Reply::bulk("5"));
}

TEST_F(RedisConnectionTest, PipelinedScriptCallsRunOnceEachAfterALoad) {
  auto c = connect();
  const std::string key = prefix_ + "list";
  const Script s =
      make_script("rpush", "-- " + prefix_ + "\nreturn redis.call('RPUSH', KEYS[1], ARGV[1])");
  const auto replies =
      pipeline_script(*c, s,
                      {evalsha_command(s, {key}, {"a"}), evalsha_command(s, {key}, {"b"}),
                       evalsha_command(s, {key}, {"c"})});
  EXPECT_EQ(replies, (std::vector<Reply>{Reply::integer(1), Reply::integer(2), Reply::integer(3)}));
  EXPECT_EQ(c->command({"LRANGE", key, "0", "-1"}),
            Reply::array({Reply::bulk("a"), Reply::bulk("b"), Reply::bulk("c")}));
  // Loaded now: one round trip, no reload.
  EXPECT_EQ(pipeline_script(*c, s, {evalsha_command(s, {key}, {"d"})}),
            (std::vector<Reply>{Reply::integer(4)}));
}

TEST_F(RedisConnectionTest, LargePipelineBothDirections) {
  // ~16 MB each way: the request is still being written when replies pour in.
  auto c = connect();
  const std::string value(16 * 1024, 'x');
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = prefix_ + "p" + std::to_string(i);
    commands.push_back({"SET", key, value});
    commands.push_back({"GET", key});
  }
  const auto replies = c->pipeline(commands, 60s);
  ASSERT_EQ(replies.size(), 2000u);
  for (std::size_t i = 0; i < replies.size(); i += 2) {
    ASSERT_TRUE(replies[i].is_ok()) << i;
    ASSERT_TRUE(replies[i + 1] == Reply::bulk(value)) << i;
  }
}

TEST_F(RedisConnectionTest, SelectsTheDbOfTheUrl) {
  Endpoint db5 = parse_url(url_);
  db5.db = 5;
  auto c5 = Connection::connect(db5, quick_options());
  auto c0 = connect();
  const std::string key = prefix_ + "in-db5";
  EXPECT_TRUE(c5->command({"SET", key, "1"}).is_ok());
  EXPECT_EQ(c5->command({"GET", key}), Reply::bulk("1"));
  EXPECT_EQ(c0->command({"GET", key}), Reply::nil());
  EXPECT_EQ(c5->command({"DEL", key}), Reply::integer(1));
}

TEST_F(RedisConnectionTest, BadDbFailsConnect) {
  Endpoint ep = parse_url(url_);
  ep.db = 100000;
  try {
    (void)Connection::connect(ep, quick_options());
    FAIL() << "connect to db 100000 succeeded";
  } catch (const IoError& e) {
    FAIL() << "SELECT failure reported as IoError: " << e.what();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "SELECT 100000")) << e.what();
  }
}

TEST_F(RedisConnectionTest, BlockingCommandWithLongerTimeout) {
  Connection::Options o = quick_options();
  o.io_timeout = 300ms;
  auto c = Connection::connect(parse_url(url_), o);
  // The server blocks for 1 s, longer than io_timeout: only the per-call timeout allows it.
  const auto start = Clock::now();
  EXPECT_EQ(c->command({"BLPOP", prefix_ + "empty", "1"}, 5s), Reply::nil());
  EXPECT_GE(elapsed_since(start), 900ms);
  EXPECT_FALSE(c->broken());
  EXPECT_TRUE(c->command({"RPUSH", prefix_ + "q", "job"}).is_integer());
  EXPECT_EQ(c->command({"BLPOP", prefix_ + "q", "1"}, 5s),
            Reply::array({Reply::bulk(prefix_ + "q"), Reply::bulk("job")}));
}

TEST_F(RedisConnectionTest, TimeoutThrowsAndMarksBroken) {
  Connection::Options o = quick_options();
  o.io_timeout = 200ms;
  auto c = Connection::connect(parse_url(url_), o);
  const auto start = Clock::now();
  try {
    (void)c->command({"BLPOP", prefix_ + "never", "10"});
    FAIL() << "BLPOP returned before its timeout";
  } catch (const IoError& e) {
    EXPECT_TRUE(contains(e.what(), "timed out after 200 ms")) << e.what();
    EXPECT_TRUE(contains(e.what(), "BLPOP")) << e.what();
  }
  EXPECT_GE(elapsed_since(start), 200ms);
  EXPECT_LT(elapsed_since(start), 3s);
  EXPECT_TRUE(c->broken());
  // Broken stays broken: the stream may still deliver the BLPOP reply.
  EXPECT_THROW((void)c->command({"PING"}), IoError);
  EXPECT_THROW((void)c->pipeline({{"PING"}}), IoError);
}

// ---------------------------------------------------------------------------------------
// Peers that do not answer, or are not there.

TEST(RedisConnectionFailure, SilentServerTimesOut) {
  SilentListener silent;
  Connection::Options o = quick_options();
  o.io_timeout = 300ms;
  // No AUTH, no SELECT: connect() is only TCP, which the backlog completes.
  auto c = Connection::connect(parse_url("redis://127.0.0.1:" + std::to_string(silent.port())), o);
  const auto start = Clock::now();
  EXPECT_THROW((void)c->command({"PING"}), IoError);
  EXPECT_LT(elapsed_since(start), 3s);
  EXPECT_TRUE(c->broken());
}

TEST(RedisConnectionFailure, SilentServerBoundsConnectWithAuthAndTls) {
  SilentListener silent;
  Connection::Options o = quick_options();
  o.connect_timeout = 300ms;
  const std::string port = std::to_string(silent.port());
  for (const std::string& url : {"redis://:pw@127.0.0.1:" + port, "rediss://127.0.0.1:" + port}) {
    const auto start = Clock::now();
    try {
      (void)Connection::connect(parse_url(url), o);
      FAIL() << url << " connected";
    } catch (const IoError& e) {
      EXPECT_TRUE(contains(e.what(), "timed out after 300 ms")) << e.what();
      EXPECT_FALSE(contains(e.what(), ":pw@")) << e.what();
    }
    EXPECT_LT(elapsed_since(start), 3s) << url;
  }
}

TEST(RedisConnectionFailure, NothingListeningIsAnIoError) {
  const int port = support::free_port();
  const auto start = Clock::now();
  try {
    (void)Connection::connect(parse_url("redis://127.0.0.1:" + std::to_string(port)),
                              quick_options());
    FAIL() << "connected to a closed port";
  } catch (const IoError& e) {
    EXPECT_TRUE(contains(e.what(), "connect")) << e.what();
    EXPECT_TRUE(contains(e.what(), "127.0.0.1:" + std::to_string(port))) << e.what();
  }
  EXPECT_LT(elapsed_since(start), 3s);
}

TEST(RedisConnectionFailure, UnresolvableHostIsAnIoError) {
  // .invalid never resolves (RFC 2606); /etc/hosts or a local resolver answers at once.
  EXPECT_THROW(
      (void)Connection::connect(parse_url("redis://no-such-host.invalid"), quick_options()),
      IoError);
}

TEST(RedisConnectionFailure, ServerStoppedThenRestarted) {
  support::RedisServer server;
  server.start();
  const Endpoint ep = parse_url(server.url());
  auto c = Connection::connect(ep, quick_options());
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));

  server.stop();
  const auto start = Clock::now();
  try {
    (void)c->command({"PING"});
    FAIL() << "PING to a stopped server succeeded";
  } catch (const IoError& e) {
    EXPECT_TRUE(contains(e.what(), ep.redacted())) << e.what();
  }
  EXPECT_LT(elapsed_since(start), 3s);
  EXPECT_TRUE(c->broken());
  EXPECT_THROW((void)c->command({"PING"}), IoError);
  EXPECT_THROW((void)Connection::connect(ep, quick_options()), IoError);

  // The cure for a broken connection: a new one, once the server is back.
  server.restart();
  auto again = Connection::connect(ep, quick_options());
  EXPECT_EQ(again->command({"PING"}), Reply::simple("PONG"));
}

TEST(RedisConnectionFailure, ServerKilledDuringBlockingCommand) {
  support::RedisServer server;
  server.start();
  auto c = Connection::connect(parse_url(server.url()), quick_options());
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    server.kill();
  });
  const auto start = Clock::now();
  EXPECT_THROW((void)c->command({"BLPOP", "q", "30"}, 30s), IoError);
  killer.join();
  // Noticed when the socket closed, not when the 30 s ran out.
  EXPECT_LT(elapsed_since(start), 5s);
  EXPECT_TRUE(c->broken());
}

// ---------------------------------------------------------------------------------------
// AUTH.

class RedisAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    support::RedisServer::Options o;
    o.password = "default-pw:@/%";
    o.acl_user = support::RedisAclUser{"crawler", "user pw"};
    server_ = new support::RedisServer(o);
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Endpoint endpoint(std::string user, std::string password) {
    Endpoint ep;
    ep.host = "127.0.0.1";
    ep.port = static_cast<std::uint16_t>(server_->port());
    ep.user = std::move(user);
    ep.password = std::move(password);
    return ep;
  }
  static std::string auth_error(const Endpoint& ep) {
    try {
      (void)Connection::connect(ep, quick_options());
    } catch (const AuthError& e) {
      return e.what();
    }
    return "(no AuthError)";
  }

  static support::RedisServer* server_;
};
support::RedisServer* RedisAuthTest::server_ = nullptr;

TEST_F(RedisAuthTest, PasswordFromUrl) {
  // Percent-encoded in the URL, as the harness writes it.
  const Endpoint ep =
      parse_url("redis://:default-pw%3A%40%2F%25@127.0.0.1:" + std::to_string(server_->port()));
  auto c = Connection::connect(ep, quick_options());
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
  EXPECT_EQ(c->command({"ACL", "WHOAMI"}), Reply::bulk("default"));
}

TEST_F(RedisAuthTest, AclUser) {
  auto c = Connection::connect(parse_url(server_->authenticated_url()), quick_options());
  EXPECT_EQ(c->command({"ACL", "WHOAMI"}), Reply::bulk("crawler"));
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisAuthTest, WrongPasswordIsAClearError) {
  const std::string message = auth_error(endpoint("", "not-the-password"));
  EXPECT_TRUE(contains(message, "authentication failed")) << message;
  EXPECT_TRUE(contains(message, "WRONGPASS")) << message;
  EXPECT_TRUE(contains(message, "127.0.0.1:" + std::to_string(server_->port()))) << message;
  EXPECT_FALSE(contains(message, "not-the-password")) << message;
}

TEST_F(RedisAuthTest, WrongAclPasswordAndUnknownUser) {
  std::string message = auth_error(endpoint("crawler", "wrong secret"));
  EXPECT_TRUE(contains(message, "WRONGPASS")) << message;
  EXPECT_TRUE(contains(message, "crawler:***@")) << message;
  EXPECT_FALSE(contains(message, "wrong secret")) << message;
  message = auth_error(endpoint("nobody", "user pw"));
  EXPECT_TRUE(contains(message, "WRONGPASS")) << message;
}

TEST_F(RedisAuthTest, NoPasswordGetsNoauthReplies) {
  // Connecting without credentials is not an error by itself; commands are refused.
  auto c = Connection::connect(endpoint("", ""), quick_options());
  const Reply r = c->command({"GET", "x"});
  ASSERT_TRUE(r.is_error());
  EXPECT_TRUE(r.str().rfind("NOAUTH", 0) == 0) << r;
  EXPECT_FALSE(c->broken());
}

// ---------------------------------------------------------------------------------------
// TLS (with an ACL user, like ElastiCache with in-transit encryption and RBAC).

class RedisTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    support::RedisServer::Options o;
    o.tls = true;
    o.acl_user = support::RedisAclUser{"tls-user", "tls pw"};
    server_ = new support::RedisServer(o);
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Connection::Options tls_options() {
    Connection::Options o = quick_options();
    o.tls_ca_file = server_->ca_file().string();
    return o;
  }
  static Endpoint endpoint_for_host(const std::string& host) {
    Endpoint ep = parse_url(server_->authenticated_url());
    ep.host = host;
    return ep;
  }
  static std::string io_error(const Endpoint& ep, const Connection::Options& o) {
    try {
      (void)Connection::connect(ep, o);
    } catch (const IoError& e) {
      return e.what();
    }
    return "(no IoError)";
  }

  static support::RedisServer* server_;
};
support::RedisServer* RedisTlsTest::server_ = nullptr;

TEST_F(RedisTlsTest, RedissWithTestCa) {
  const Endpoint ep = parse_url(server_->authenticated_url());
  ASSERT_TRUE(ep.tls);
  auto c = Connection::connect(ep, tls_options());
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
  EXPECT_EQ(c->command({"ACL", "WHOAMI"}), Reply::bulk("tls-user"));
  const std::string value = binary_blob();
  EXPECT_TRUE(c->command({"SET", "tls:bin", value}).is_ok());
  EXPECT_EQ(c->command({"GET", "tls:bin"}), Reply::bulk(value));
}

TEST_F(RedisTlsTest, HostNameVerifiedForName) {
  // The certificate names both 127.0.0.1 and localhost.
  auto c = Connection::connect(endpoint_for_host("localhost"), tls_options());
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisTlsTest, PipelineOverTls) {
  auto c = Connection::connect(parse_url(server_->authenticated_url()), tls_options());
  std::vector<std::vector<std::string>> commands;
  const std::string value(4096, 't');
  for (int i = 0; i < 1000; ++i) commands.push_back({"SET", "tls:p" + std::to_string(i), value});
  for (int i = 0; i < 1000; ++i) commands.push_back({"GET", "tls:p" + std::to_string(i)});
  const auto replies = c->pipeline(commands, 60s);
  ASSERT_EQ(replies.size(), 2000u);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(replies[i].is_ok()) << i;
  for (int i = 1000; i < 2000; ++i) ASSERT_TRUE(replies[i] == Reply::bulk(value)) << i;
}

TEST_F(RedisTlsTest, UntrustedCaIsRejected) {
  // The system store does not know the harness's CA.
  const std::string message = io_error(parse_url(server_->authenticated_url()), quick_options());
  EXPECT_TRUE(contains(message, "certificate verification failed")) << message;
  EXPECT_FALSE(contains(message, "tls pw")) << message;
}

TEST_F(RedisTlsTest, MissingCaFileIsAnError) {
  Connection::Options o = quick_options();
  o.tls_ca_file = "/nonexistent/ca.pem";
  const std::string message = io_error(parse_url(server_->authenticated_url()), o);
  EXPECT_TRUE(contains(message, "/nonexistent/ca.pem")) << message;
}

TEST_F(RedisTlsTest, VerificationCanBeTurnedOff) {
  Connection::Options o = quick_options();
  o.tls_verify = false;
  auto c = Connection::connect(parse_url(server_->authenticated_url()), o);
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisTlsTest, HostNameMismatchIsRejected) {
  // Needs a second name for 127.0.0.1 that the certificate does not carry.
  std::ifstream hosts("/etc/hosts");
  std::string line;
  std::string alias;
  while (alias.empty() && std::getline(hosts, line)) {
    std::istringstream fields(line);
    std::string ip;
    fields >> ip;
    if (ip != "127.0.0.1") continue;
    for (std::string name; fields >> name;) {
      if (name[0] == '#') break;
      if (name != "localhost") {
        alias = name;
        break;
      }
    }
  }
  if (alias.empty()) GTEST_SKIP() << "no alias of 127.0.0.1 besides localhost in /etc/hosts";
  const std::string message = io_error(endpoint_for_host(alias), tls_options());
  EXPECT_TRUE(contains(message, "certificate verification failed")) << message;
  EXPECT_TRUE(contains(message, "mismatch")) << message;
}

TEST_F(RedisTlsTest, PlainTcpToTlsPortFailsCleanly) {
  Endpoint ep = parse_url(server_->authenticated_url());
  ep.tls = false;
  Connection::Options o = quick_options();
  o.connect_timeout = 1s;
  const auto start = Clock::now();
  EXPECT_THROW((void)Connection::connect(ep, o), IoError);
  EXPECT_LT(elapsed_since(start), 4s);
}

}  // namespace
}  // namespace crawler::redis
