// Unit tests for redis::with_retry without a server: the operation is a lambda that throws
// IoError a chosen number of times. Covered: retries until success, only IoError is
// retried, the stop flag ends retrying (rethrowing the last IoError, promptly even in the
// middle of a long wait), and on_retry sees each attempt with a backoff delay.
// (Riding through a real Redis restart is in tests/integration/redis_pool_restart_test.cpp.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/retry.h"

namespace crawler::redis {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RetryOptions fast() {
  RetryOptions o;
  o.backoff.initial = 1ms;
  o.backoff.max = 4ms;
  return o;
}

TEST(RedisRetry, ReturnsFirstSuccess) {
  int calls = 0;
  const int v = with_retry([&] { return ++calls * 10; }, nullptr);
  EXPECT_EQ(v, 10);
  EXPECT_EQ(calls, 1);
}

TEST(RedisRetry, RetriesIoErrorsUntilSuccess) {
  int calls = 0;
  std::vector<std::uint32_t> attempts;
  std::vector<std::chrono::milliseconds> delays;
  RetryOptions o = fast();
  o.on_retry = [&](const IoError& e, std::uint32_t attempt, std::chrono::milliseconds delay) {
    EXPECT_EQ(std::string(e.what()), "down " + std::to_string(attempt));
    attempts.push_back(attempt);
    delays.push_back(delay);
  };
  const std::string v = with_retry(
      [&] {
        ++calls;
        if (calls < 5) throw IoError("down " + std::to_string(calls));
        return std::string("up");
      },
      nullptr, o);
  EXPECT_EQ(v, "up");
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(attempts, (std::vector<std::uint32_t>{1, 2, 3, 4}));
  for (auto d : delays) {
    EXPECT_GE(d, 1ms);
    EXPECT_LE(d, 4ms);
  }
}

TEST(RedisRetry, VoidResult) {
  int calls = 0;
  with_retry(
      [&] {
        if (++calls < 3) throw IoError("x");
      },
      nullptr, fast());
  EXPECT_EQ(calls, 3);
}

TEST(RedisRetry, OtherErrorsAreNotRetried) {
  int calls = 0;
  EXPECT_THROW(with_retry(
                   [&]() -> int {
                     ++calls;
                     throw AuthError("WRONGPASS");
                   },
                   nullptr, fast()),
               AuthError);
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_THROW(with_retry(
                   [&]() -> int {
                     ++calls;
                     throw std::logic_error("bug");
                   },
                   nullptr, fast()),
               std::logic_error);
  EXPECT_EQ(calls, 1);
}

TEST(RedisRetry, MaxAttemptsRethrowsTheLastFailure) {
  int calls = 0;
  RetryOptions o = fast();
  o.max_attempts = 3;
  try {
    with_retry(
        [&] {
          ++calls;
          throw IoError("down " + std::to_string(calls));
        },
        nullptr, o);
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "down 3");
  }
  EXPECT_EQ(calls, 3);
}

TEST(RedisRetry, EveryRedisErrorIsRetriedWhenAsked) {
  int calls = 0;
  std::vector<std::string> seen;
  BasicRetryOptions<Error> o;
  o.backoff = fast().backoff;
  o.on_retry = [&](const Error& e, std::uint32_t, std::chrono::milliseconds) {
    seen.push_back(e.what());
  };
  const int v = with_retry(
      [&] {
        ++calls;
        if (calls == 1) throw AuthError("WRONGPASS");
        if (calls == 2) throw IoError("down");
        return 7;
      },
      nullptr, o);
  EXPECT_EQ(v, 7);
  EXPECT_EQ(seen, (std::vector<std::string>{"WRONGPASS", "down"}));
  // Still Redis errors only.
  EXPECT_THROW(with_retry([]() -> int { throw std::logic_error("bug"); }, nullptr, o),
               std::logic_error);
}

TEST(RedisRetry, StopAlreadySetStillRunsOnceThenRethrows) {
  std::atomic<bool> stop{true};
  int calls = 0;
  EXPECT_EQ(with_retry([&] { return ++calls; }, &stop), 1);
  try {
    with_retry(
        [&] {
          ++calls;
          throw IoError("last failure");
        },
        &stop);
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "last failure");
  }
  EXPECT_EQ(calls, 2);
}

TEST(RedisRetry, StopInterruptsALongWait) {
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  RetryOptions o;
  o.backoff.initial = 60s;  // the first wait alone would outlast the test
  o.backoff.max = 60s;
  const auto start = Clock::now();
  std::thread stopper([&] {
    while (calls.load() == 0) std::this_thread::yield();
    stop = true;
  });
  EXPECT_THROW(with_retry(
                   [&]() -> int {
                     ++calls;
                     throw IoError("down");
                   },
                   &stop, o),
               IoError);
  stopper.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST(RedisRetry, SleepUnlessStopped) {
  std::atomic<bool> stop{false};
  const auto start = Clock::now();
  EXPECT_TRUE(sleep_unless_stopped(30ms, &stop));
  EXPECT_GE(Clock::now() - start, 30ms);
  EXPECT_TRUE(sleep_unless_stopped(1ms, nullptr));
  stop = true;
  EXPECT_FALSE(sleep_unless_stopped(10s, &stop));
}

}  // namespace
}  // namespace crawler::redis
