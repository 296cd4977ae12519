// postgres::Pool against real servers: bounded under contention, timeouts instead of hangs,
// broken connections replaced (terminated backends, transactions left open), and the same
// Pool and PostgresStore working again after PostgreSQL restarts on the same port.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/postgres/migrate.h"
#include "store/postgres/pool.h"
#include "store/postgres/postgres_store.h"
#include "support/pg_admin.h"
#include "support/postgres_server.h"
#include "support/services.h"

namespace crawler::store::postgres {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string fresh_url() { return crawler::testing::SharedServices::get().fresh_database_url(); }

std::string backend_pid(Connection& conn) {
  return conn.exec("SELECT pg_backend_pid()").at(0).at(0).value();
}

TEST(StorePool, MoreThreadsThanConnectionsAllGetServedWithinTheBound) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 3, .acquire_timeout = 10s});
  std::atomic<int> done{0}, failed{0};
  std::atomic<std::size_t> max_open{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        try {
          auto lease = pool.acquire();
          lease->exec("SELECT pg_sleep(0.002)");
          auto open = pool.stats().open;
          for (auto seen = max_open.load();
               open > seen && !max_open.compare_exchange_weak(seen, open);)
            ;
          ++done;
        } catch (const std::exception& e) {
          ++failed;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done, 12 * 15);
  EXPECT_EQ(failed, 0);
  EXPECT_LE(max_open.load(), 3u);
  auto stats = pool.stats();
  EXPECT_LE(stats.opened_total, 3u);
  EXPECT_EQ(stats.leased, 0u);
  EXPECT_EQ(stats.idle, stats.open);
}

TEST(StorePool, AnExhaustedPoolTimesOutInsteadOfHanging) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 1, .acquire_timeout = 200ms});
  auto held = pool.acquire();
  auto start = SteadyClock::now();
  EXPECT_THROW((void)pool.acquire(), PoolTimeout);
  auto waited = SteadyClock::now() - start;
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 3s);
  // PoolTimeout is an Unavailable: the API answers 503.
  try {
    (void)pool.acquire();
  } catch (const store::Unavailable&) {
  }
  // A waiter gets the connection as soon as it comes back.
  std::thread giver([&] {
    std::this_thread::sleep_for(50ms);
    Lease returned = std::move(held);
  });
  EXPECT_NO_THROW((void)pool.acquire());
  giver.join();
}

TEST(StorePool, SessionsAreUtc) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 1});
  EXPECT_EQ(pool.acquire()->exec("SHOW TimeZone").at(0).at(0), "UTC");
}

TEST(StorePool, ATerminatedIdleConnectionIsReplacedBeforeUse) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 2});
  std::string victim;
  {
    auto a = pool.acquire();
    victim = backend_pid(*a);
  }
  {
    auto b = pool.acquire();  // the idle one: same backend
    ASSERT_EQ(backend_pid(*b), victim);
    auto killer = Connection::connect(fresh_url(), 5s);  // another database, same server
    killer->exec("SELECT pg_terminate_backend($1::int)", {victim});
  }
  // The server's termination notice arrives asynchronously; give it a moment.
  std::this_thread::sleep_for(200ms);
  auto c = pool.acquire();
  EXPECT_NE(backend_pid(*c), victim);
  EXPECT_GE(pool.stats().dropped_total, 1u);
}

TEST(StorePool, AConnectionLostMidUseThrowsUnavailableAndIsDropped) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 2});
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    b->exec("SELECT pg_terminate_backend($1::int)", {backend_pid(*a)});
    std::this_thread::sleep_for(100ms);
    EXPECT_THROW(a->exec("SELECT 1"), store::Unavailable);
    EXPECT_FALSE(a->ok());
  }
  auto stats = pool.stats();
  EXPECT_EQ(stats.dropped_total, 1u);
  EXPECT_EQ(stats.open, 1u);
  EXPECT_NO_THROW(pool.acquire()->exec("SELECT 1"));
}

TEST(StorePool, AConnectionLeftInATransactionIsNotHandedOn) {
  Pool pool(PoolOptions{.url = fresh_url(), .size = 1});
  std::string first;
  {
    auto a = pool.acquire();
    first = backend_pid(*a);
    a->exec("BEGIN");
  }
  auto b = pool.acquire();
  EXPECT_NE(backend_pid(*b), first);
  EXPECT_NO_THROW(b->exec("BEGIN"));  // would warn/fail inside an open transaction
  b->exec("ROLLBACK");
}

TEST(StorePool, BadArgumentsAndAnUnreachableServer) {
  EXPECT_THROW(Pool(PoolOptions{.url = fresh_url(), .size = 0}), std::invalid_argument);
  EXPECT_THROW(Pool(PoolOptions{.url = "mysql://x", .size = 1}), std::invalid_argument);
  // Port 1 on localhost: nothing listens, the connect fails at once.
  Pool pool(PoolOptions{.url = "postgresql://postgres@127.0.0.1:1/x", .size = 1});
  auto start = SteadyClock::now();
  EXPECT_THROW((void)pool.acquire(), store::Unavailable);
  EXPECT_LT(SteadyClock::now() - start, 3s);
  EXPECT_EQ(pool.stats().open, 0u);  // the slot was released
}

TEST(StorePool, ALeaseMayOutliveItsPool) {
  std::optional<Lease> lease;
  {
    Pool pool(PoolOptions{.url = fresh_url(), .size = 1});
    lease.emplace(pool.acquire());
  }
  EXPECT_NO_THROW((*lease)->exec("SELECT 1"));
  lease.reset();
}

// A PostgreSQL of our own: the shared one must not be restarted under other tests.
TEST(StorePoolRestart, ThePoolAndTheStoreWorkAgainAfterPostgresRestarts) {
  crawler::testing::PostgresServer server;
  server.start();
  auto url = server.create_database();
  {
    auto conn = Connection::connect(url, 5s);
    migrate(*conn, builtin_migrations());
  }
  auto pool = std::make_shared<Pool>(PoolOptions{.url = url, .size = 4, .acquire_timeout = 2s});
  PostgresStore store(pool);
  auto k = store.add_keyword({"k", "u.com", {}, std::nullopt});
  {
    // Warm every slot: after the restart all four idle connections are dead.
    std::vector<Lease> leases;
    for (int i = 0; i < 4; ++i) leases.push_back(pool->acquire());
  }
  ASSERT_EQ(pool->stats().idle, 4u);

  server.restart();
  // Fast shutdown told every client; the pool replaces them without the caller noticing.
  std::this_thread::sleep_for(100ms);
  auto got = store.get_keyword(k.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->keyword, "k");
  EXPECT_NO_THROW(store.add_keyword({"after restart", "u.com", {}, std::nullopt}));

  // While it is down, callers fail fast with Unavailable (never hang) ...
  server.stop();
  auto start = SteadyClock::now();
  EXPECT_THROW(store.get_keyword(k.id), store::Unavailable);
  EXPECT_THROW(store.list_keywords({}), store::Unavailable);
  EXPECT_LT(SteadyClock::now() - start, 5s);
  // ... and once it is back (same port), the same objects work again.
  server.restart();
  EXPECT_EQ(store.list_keywords({}).total, 2);
  EXPECT_LE(pool->stats().open, 4u);
}

}  // namespace
}  // namespace crawler::store::postgres
