// Integration tests for redis::Pool against a running Redis: exact results and the
// connection bound under concurrency (checked on the server with CLIENT LIST, not only from
// the pool's own counters), acquire timeout and hand-over to a waiter, replacement of broken
// connections and of idle ones the server closed, dedicated connections outside the bound,
// and the Lease API. Outages and restarts are in redis_pool_restart_test.cpp, TLS in
// redis_pool_tls_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "redis/pool.h"
#include "support/poll.h"
#include "support/redis_server.h"
#include "support/services.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Client connections the server sees, minus the one asking.
std::size_t server_side_clients(Connection& admin) {
  const Reply r = admin.command({"CLIENT", "LIST", "TYPE", "normal"});
  std::istringstream lines(r.str());
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) ++n;
  }
  return n - 1;
}

std::int64_t client_id(Connection& c) { return c.command({"CLIENT", "ID"}).integer(); }

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = support::SharedServices::get();
    endpoint_ = parse_url(services.redis_url());
    prefix_ = services.unique_prefix() + ":";
  }
  PoolOptions options(std::size_t max_connections) const {
    PoolOptions o;
    o.endpoint = endpoint_;
    o.max_connections = max_connections;
    return o;
  }

  Endpoint endpoint_;
  std::string prefix_;
};

TEST(RedisPoolBound, ConcurrentIncrsAreExactAndConnectionsBounded) {
  // An own server: CLIENT LIST must not see other tests' clients.
  support::RedisServer server;
  server.start();
  PoolOptions o;
  o.endpoint = parse_url(server.url());
  o.max_connections = 4;  // fewer than threads: they contend and wait
  Pool pool(o);
  auto admin = Connection::connect(o.endpoint);

  std::atomic<bool> done{false};
  std::size_t max_seen_server = 0;
  std::size_t max_seen_pool = 0;
  std::thread watcher([&] {
    while (!done.load()) {
      max_seen_server = std::max(max_seen_server, server_side_clients(*admin));
      max_seen_pool = std::max(max_seen_pool, pool.stats().open);
      std::this_thread::sleep_for(1ms);
    }
  });
  constexpr int kThreads = 8;
  constexpr int kIncrs = 1000;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < kIncrs; ++i) {
        const Reply r = pool.command({"INCR", "counter"});
        if (!r.is_integer()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  watcher.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(pool.command({"GET", "counter"}), Reply::bulk(std::to_string(kThreads * kIncrs)));
  EXPECT_GE(max_seen_server, 1u);
  EXPECT_LE(max_seen_server, 4u);
  EXPECT_LE(max_seen_pool, 4u);
  EXPECT_LE(server_side_clients(*admin), 4u);
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.leased, 0u);
  EXPECT_EQ(s.idle, s.open);
  EXPECT_LE(s.open, 4u);
  EXPECT_EQ(s.consecutive_connect_failures, 0u);
}

TEST_F(RedisPoolTest, ConvenienceCalls) {
  Pool pool(options(2));
  EXPECT_EQ(pool.endpoint(), endpoint_);
  const std::string k = prefix_ + "k";
  EXPECT_TRUE(pool.command({"SET", k, "v"}).is_ok());
  EXPECT_EQ(pool.command(std::vector<std::string>{"GET", k}), Reply::bulk("v"));
  const auto replies = pool.pipeline({{"INCR", prefix_ + "n"}, {"BOGUS"}, {"INCR", prefix_ + "n"}});
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0], Reply::integer(1));
  EXPECT_TRUE(replies[1].is_error());
  EXPECT_EQ(replies[2], Reply::integer(2));
  // One connection did all of it, sequentially.
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(RedisPoolTest, IdleConnectionIsReused) {
  Pool pool(options(4));
  std::int64_t first = 0;
  {
    Lease lease = pool.acquire();
    first = client_id(*lease);
  }
  Lease again = pool.acquire();
  EXPECT_EQ(client_id(*again), first);
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(RedisPoolTest, AcquireTimesOutWhenAllLeased) {
  PoolOptions o = options(2);
  o.acquire_timeout = 200ms;
  Pool pool(o);
  Lease a = pool.acquire();
  Lease b = pool.acquire();
  const auto start = Clock::now();
  try {
    (void)pool.acquire();
    FAIL() << "acquired a third connection from a pool of 2";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("all 2 in use"), std::string::npos) << e.what();
  }
  EXPECT_GE(Clock::now() - start, 190ms);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_THROW((void)pool.command({"PING"}), IoError);
  EXPECT_EQ(pool.stats().open, 2u);
  EXPECT_EQ(pool.stats().leased, 2u);
}

TEST_F(RedisPoolTest, WaiterGetsTheReturnedConnection) {
  PoolOptions o = options(1);
  o.acquire_timeout = 10s;
  Pool pool(o);
  std::optional<Lease> held(pool.acquire());
  const std::int64_t id = client_id(**held);
  std::atomic<bool> waiting{false};
  std::int64_t waiter_id = 0;
  std::thread waiter([&] {
    waiting = true;
    Lease l = pool.acquire();  // blocks until `held` is released
    waiter_id = client_id(*l);
  });
  ASSERT_TRUE(support::poll_until([&] { return waiting.load(); }, 5s));
  std::this_thread::sleep_for(50ms);  // let it block in acquire() (harmless if not yet)
  held.reset();
  waiter.join();
  EXPECT_EQ(waiter_id, id);
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(RedisPoolTest, BrokenConnectionIsReplaced) {
  Pool pool(options(2));
  std::int64_t broken_id = 0;
  {
    Lease lease = pool.acquire();
    broken_id = client_id(*lease);
    // A per-call timeout shorter than the server's block: the connection breaks.
    EXPECT_THROW((void)lease->command({"BLPOP", prefix_ + "never", "5"}, 50ms), IoError);
    EXPECT_TRUE(lease->broken());
  }
  EXPECT_EQ(pool.stats().open, 0u);  // dropped on return, not kept idle
  Lease fresh = pool.acquire();
  EXPECT_FALSE(fresh->broken());
  EXPECT_NE(client_id(*fresh), broken_id);
}

TEST_F(RedisPoolTest, CommandFailureDropsItsConnection) {
  PoolOptions o = options(2);
  o.connection.io_timeout = 50ms;
  Pool pool(o);
  EXPECT_THROW((void)pool.command({"BLPOP", prefix_ + "never", "5"}), IoError);
  EXPECT_EQ(pool.stats().open, 0u);
  EXPECT_EQ(pool.command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisPoolTest, IdleConnectionsClosedByServerAreReplaced) {
  Pool pool(options(3));
  std::vector<std::int64_t> ids;
  {
    std::vector<Lease> leases;
    for (int i = 0; i < 3; ++i) leases.push_back(pool.acquire());
    for (auto& l : leases) ids.push_back(client_id(*l));
  }
  ASSERT_EQ(pool.stats().idle, 3u);
  auto admin = Connection::connect(endpoint_);
  for (auto id : ids) {
    EXPECT_EQ(admin->command({"CLIENT", "KILL", "ID", std::to_string(id)}), Reply::integer(1));
  }
  // The server closed them while idle: no caller may see an IoError for that.
  std::vector<Lease> leases;
  for (int i = 0; i < 3; ++i) {
    leases.push_back(pool.acquire());
    EXPECT_EQ(leases.back()->command({"PING"}), Reply::simple("PONG")) << i;
    EXPECT_EQ(std::count(ids.begin(), ids.end(), client_id(*leases.back())), 0);
  }
  EXPECT_EQ(pool.stats().open, 3u);
}

TEST_F(RedisPoolTest, DedicatedConnectionIsOutsideTheBound) {
  Pool pool(options(1));
  const std::string queue = prefix_ + "jobs";
  std::unique_ptr<Connection> blocking = pool.connect_dedicated();
  Reply popped;
  std::thread worker([&] { popped = blocking->command({"BLPOP", queue, "5"}, 10s); });
  // The pool's single connection stays free while the dedicated one blocks.
  EXPECT_EQ(pool.command({"PING"}), Reply::simple("PONG"));
  EXPECT_EQ(pool.command({"RPUSH", queue, "job-1"}), Reply::integer(1));
  worker.join();
  EXPECT_EQ(popped, Reply::array({Reply::bulk(queue), Reply::bulk("job-1")}));
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.open, 1u);
  EXPECT_EQ(s.leased, 0u);
}

TEST_F(RedisPoolTest, DiscardAndPushModeConnectionsAreNotReused) {
  Pool pool(options(2));
  std::int64_t id = 0;
  {
    Lease lease = pool.acquire();
    id = client_id(*lease);
    lease.discard();
    EXPECT_FALSE(lease);
  }
  EXPECT_EQ(pool.stats().open, 0u);
  {
    Lease lease = pool.acquire();
    EXPECT_NE(client_id(*lease), id);
    lease->send({"PING"});  // its reply is never read: the connection must not come back
  }
  EXPECT_EQ(pool.stats().open, 0u);
  EXPECT_EQ(pool.command({"PING"}), Reply::simple("PONG"));
}

TEST_F(RedisPoolTest, LeaseMoves) {
  Pool pool(options(2));
  Lease a = pool.acquire();
  const std::int64_t id = client_id(*a);
  Lease b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  ASSERT_TRUE(b);
  EXPECT_EQ(client_id(*b), id);
  Lease c = pool.acquire();
  c = std::move(b);  // c's own connection goes back to the pool
  EXPECT_EQ(client_id(*c), id);
  const PoolStats s = pool.stats();
  EXPECT_EQ(s.leased, 1u);
  EXPECT_EQ(s.idle, 1u);
}

TEST_F(RedisPoolTest, LeaseMayOutliveThePool) {
  std::optional<Lease> lease;
  {
    Pool pool(options(1));
    lease.emplace(pool.acquire());
  }
  EXPECT_EQ((*lease)->command({"PING"}), Reply::simple("PONG"));
  lease.reset();  // returns into the orphaned state, which then goes away
}

TEST(RedisPoolOptions, InvalidOptionsAreRejected) {
  PoolOptions o;
  o.endpoint = parse_url("redis://127.0.0.1:1");
  o.max_connections = 0;
  EXPECT_THROW(Pool{o}, std::invalid_argument);
  o.max_connections = 1;
  o.reconnect.factor = 0.5;
  EXPECT_THROW(Pool{o}, std::invalid_argument);
}

}  // namespace
}  // namespace crawler::redis
