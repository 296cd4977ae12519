// Integration tests for redis::Pool over TLS (rediss://) with the harness's throwaway CA and
// an ACL user, as with ElastiCache in-transit encryption + RBAC: concurrent use gives exact
// results within the connection bound, a TLS pool recovers after a restart on the same
// port, and an untrusted certificate is an IoError (gated like any failed connect).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/pool.h"
#include "support/poll.h"
#include "support/redis_server.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;

class RedisPoolTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    support::RedisServer::Options so;
    so.tls = true;
    so.acl_user = support::RedisAclUser{"pool-user", "pool pw"};
    server_ = std::make_unique<support::RedisServer>(so);
    server_->start();
  }
  PoolOptions options() const {
    PoolOptions o;
    o.endpoint = parse_url(server_->authenticated_url());
    o.connection.tls_ca_file = server_->ca_file().string();
    o.max_connections = 3;
    o.reconnect.initial = 20ms;
    o.reconnect.max = 200ms;
    return o;
  }

  std::unique_ptr<support::RedisServer> server_;
};

TEST_F(RedisPoolTlsTest, ConcurrentCommandsOverTls) {
  Pool pool(options());
  ASSERT_TRUE(pool.endpoint().tls);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!pool.command({"INCR", "tls-counter"}).is_integer()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(pool.command({"GET", "tls-counter"}), Reply::bulk("1800"));
  EXPECT_EQ(pool.command({"ACL", "WHOAMI"}), Reply::bulk("pool-user"));
  EXPECT_LE(pool.stats().open, 3u);
}

TEST_F(RedisPoolTlsTest, TlsPoolRecoversAfterRestart) {
  Pool pool(options());
  EXPECT_EQ(pool.command({"PING"}), Reply::simple("PONG"));
  server_->stop();
  EXPECT_THROW((void)pool.command({"PING"}), IoError);
  server_->restart();
  EXPECT_TRUE(support::poll_until(
      [&] {
        try {
          return pool.command({"PING"}) == Reply::simple("PONG");
        } catch (const IoError&) {
          return false;
        }
      },
      10s));
}

TEST_F(RedisPoolTlsTest, UntrustedCertificateIsAnIoError) {
  PoolOptions o = options();
  o.connection.tls_ca_file.reset();  // the system store does not know the test CA
  Pool pool(o);
  try {
    (void)pool.acquire();
    FAIL() << "connected without trusting the CA";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("certificate verification failed"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("pool pw"), std::string::npos) << e.what();
  }
  // The gate repeats the cause.
  try {
    (void)pool.acquire();
    FAIL() << "connected without trusting the CA";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("certificate verification failed"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace crawler::redis
