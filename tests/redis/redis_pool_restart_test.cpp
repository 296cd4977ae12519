// Integration tests for redis::Pool and with_retry when Redis goes away and comes back on the
// same port (RedisServer::stop/kill/restart): callers get IoError quickly and never hang,
// the connect backoff keeps a crowd of callers from hammering the dead port, the same Pool
// object works again after restart(), with_retry() rides through the outage (and gives up
// only when told to stop), a worker's BRPOPLPUSH loop on a dedicated connection survives a
// crash, and an authentication failure is not disguised as a transient IoError.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redis/pool.h"
#include "redis/retry.h"
#include "support/poll.h"
#include "support/redis_server.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RedisPoolRestartTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.start(); }

  PoolOptions options() const {
    PoolOptions o;
    o.endpoint = parse_url(server_.url());
    o.connection.connect_timeout = 2s;
    o.connection.io_timeout = 2s;
    o.max_connections = 4;
    o.acquire_timeout = 2s;
    o.reconnect.initial = 20ms;
    o.reconnect.max = 200ms;
    return o;
  }
  // True once a PING through the pool succeeds (IoErrors while Redis comes back are expected).
  static bool ping_ok(Pool& pool) {
    try {
      return pool.command({"PING"}) == Reply::simple("PONG");
    } catch (const IoError&) {
      return false;
    }
  }

  support::RedisServer server_;
};

TEST_F(RedisPoolRestartTest, StoppedRedisFailsFastThenSamePoolRecovers) {
  Pool pool(options());
  {
    // Warm up two idle connections: after the stop they are dead sockets.
    Lease a = pool.acquire();
    Lease b = pool.acquire();
    EXPECT_EQ(a->command({"PING"}), Reply::simple("PONG"));
    EXPECT_EQ(b->command({"PING"}), Reply::simple("PONG"));
  }
  server_.stop();

  auto start = Clock::now();
  EXPECT_THROW((void)pool.command({"PING"}), IoError);
  EXPECT_LT(Clock::now() - start, 1s);
  // Within the backoff delay: no connect attempt at all, the error comes at once.
  start = Clock::now();
  try {
    (void)pool.acquire();
    FAIL() << "acquire succeeded with Redis stopped";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("unreachable"), std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - start, 100ms);
  EXPECT_GE(pool.stats().consecutive_connect_failures, 1u);
  EXPECT_EQ(pool.stats().idle, 0u);  // the dead idle connections were discarded

  server_.restart();
  ASSERT_TRUE(support::poll_until([&] { return ping_ok(pool); }, 10s));
  EXPECT_EQ(pool.stats().consecutive_connect_failures, 0u);
  EXPECT_TRUE(pool.command({"SET", "k", "v"}).is_ok());
  EXPECT_EQ(pool.command({"GET", "k"}), Reply::bulk("v"));
}

TEST_F(RedisPoolRestartTest, OutageDoesNotHammerOrBlockCallers) {
  PoolOptions o = options();
  o.reconnect.initial = 200ms;
  o.reconnect.max = 1s;
  Pool pool(o);
  server_.kill();
  // 8 threads call as fast as they can for ~300 ms: each call must end quickly, and the
  // connect attempts must follow the backoff (200 ms, then 400 ms...), not the call rate.
  std::atomic<int> calls{0};
  std::atomic<long long> slowest_ms{0};
  std::vector<std::thread> threads;
  const auto until = Clock::now() + 300ms;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      while (Clock::now() < until) {
        const auto start = Clock::now();
        try {
          (void)pool.command({"PING"});
        } catch (const IoError&) {
        }
        const long long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        long long prev = slowest_ms.load();
        while (ms > prev && !slowest_ms.compare_exchange_weak(prev, ms)) {
        }
        ++calls;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(calls.load(), 100);
  EXPECT_LT(slowest_ms.load(), 1000);
  // The first wave may fail together; after that, at most one probe per backoff delay.
  EXPECT_LE(pool.stats().consecutive_connect_failures, 8u + 3u);
  EXPECT_EQ(pool.stats().open, 0u);

  server_.restart();
  EXPECT_TRUE(support::poll_until([&] { return ping_ok(pool); }, 10s));
}

TEST_F(RedisPoolRestartTest, WithRetryRidesThroughRestart) {
  Pool pool(options());
  EXPECT_TRUE(pool.command({"SET", "before", "1"}).is_ok());
  server_.stop();

  std::atomic<int> retries{0};
  RetryOptions ro;
  ro.backoff = options().reconnect;
  ro.on_retry = [&](const IoError&, std::uint32_t, std::chrono::milliseconds) { ++retries; };
  Reply result;
  std::thread caller([&] {
    result = with_retry([&] { return pool.command({"INCR", "after"}); }, nullptr, ro);
  });
  // Restart only once the caller has demonstrably been failing.
  ASSERT_TRUE(support::poll_until([&] { return retries.load() >= 3; }, 10s));
  server_.restart();
  caller.join();
  EXPECT_EQ(result, Reply::integer(1));
}

TEST_F(RedisPoolRestartTest, WithRetryStopsWhenAsked) {
  Pool pool(options());
  server_.stop();
  std::atomic<bool> stop{false};
  std::atomic<int> retries{0};
  RetryOptions ro;
  ro.on_retry = [&](const IoError&, std::uint32_t, std::chrono::milliseconds) { ++retries; };
  std::atomic<bool> threw{false};
  std::thread caller([&] {
    try {
      (void)with_retry([&] { return pool.command({"PING"}); }, &stop, ro);
    } catch (const IoError&) {
      threw = true;
    }
  });
  ASSERT_TRUE(support::poll_until([&] { return retries.load() >= 2; }, 10s));
  const auto start = Clock::now();
  stop = true;
  caller.join();
  EXPECT_TRUE(threw.load());
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_F(RedisPoolRestartTest, WorkerLoopSurvivesCrash) {
  // The shape of a queue worker: BRPOPLPUSH on a dedicated connection, replaced when broken,
  // every attempt through with_retry. It must keep taking jobs across a Redis crash.
  Pool pool(options());
  std::atomic<bool> stop{false};
  std::vector<std::string> taken;
  std::mutex taken_mutex;
  RetryOptions ro;
  ro.backoff = options().reconnect;
  std::thread worker([&] {
    std::unique_ptr<Connection> conn;
    while (!stop.load()) {
      Reply job;
      try {
        job = with_retry(
            [&] {
              if (!conn || conn->broken()) conn = pool.connect_dedicated();
              return conn->command({"BRPOPLPUSH", "wait", "active", "1"}, 5s);
            },
            &stop, ro);
      } catch (const IoError&) {
        break;  // stopped while Redis was down
      }
      if (job.is_string()) {
        std::lock_guard lock(taken_mutex);
        taken.push_back(job.str());
      }
    }
  });
  const auto taken_count = [&] {
    std::lock_guard lock(taken_mutex);
    return taken.size();
  };

  EXPECT_EQ(pool.command({"LPUSH", "wait", "job-1"}), Reply::integer(1));
  ASSERT_TRUE(support::poll_until([&] { return taken_count() == 1; }, 10s));
  server_.kill();  // the worker is (most likely) blocked in BRPOPLPUSH right now
  server_.restart();
  // Redis is back (empty: no persistence). Push once the pool can reach it.
  ASSERT_TRUE(support::poll_until(
      [&] {
        try {
          return pool.command({"LPUSH", "wait", "job-2"}).is_integer();
        } catch (const IoError&) {
          return false;
        }
      },
      10s));
  EXPECT_TRUE(support::poll_until([&] { return taken_count() == 2; }, 10s));
  stop = true;
  worker.join();
  std::lock_guard lock(taken_mutex);
  EXPECT_EQ(taken, (std::vector<std::string>{"job-1", "job-2"}));
}

TEST(RedisPoolAuth, AuthErrorIsNotAnIoError) {
  support::RedisServer::Options so;
  so.password = "right";
  support::RedisServer server(so);
  server.start();
  PoolOptions o;
  o.endpoint = parse_url(server.url());
  o.endpoint.password = "wrong";
  Pool pool(o);
  EXPECT_THROW((void)pool.acquire(), AuthError);
  // Gated like any failed connect, but still reported as what it is.
  const auto start = Clock::now();
  EXPECT_THROW((void)pool.acquire(), AuthError);
  EXPECT_LT(Clock::now() - start, 100ms);
  // with_retry does not spin on it.
  int calls = 0;
  EXPECT_THROW((void)with_retry(
                   [&] {
                     ++calls;
                     return pool.command({"PING"});
                   },
                   nullptr),
               AuthError);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace crawler::redis
