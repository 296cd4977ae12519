// The Store contract suite on PostgreSQL (a fresh, migrated database per test), plus what only
// PostgreSQL has: the session time zone, the trigger-maintained keyword count, and query
// plans that stay index scans at 10,000 keywords (the benchmark's premise; plans, not
// timings, so the check holds on a loaded CI machine under ASan).
#include <gtest/gtest.h>

#include "store/postgres/migrate.h"
#include "store/postgres/postgres_store.h"
#include "store_contract.h"
#include "support/pg_admin.h"
#include "support/services.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;
using postgres::Pool;
using postgres::PoolOptions;
using postgres::PostgresStore;

std::string migrated_database() {
  auto url = crawler::testing::SharedServices::get().fresh_database_url();
  auto conn = postgres::Connection::connect(url, 5s);
  postgres::migrate(*conn, postgres::builtin_migrations());
  return url;
}

std::unique_ptr<Store> make_postgres_store() {
  return std::make_unique<PostgresStore>(
      std::make_shared<Pool>(PoolOptions{.url = migrated_database(), .size = 8}));
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(StoreBackend{"postgres", make_postgres_store}),
                         [](const auto& param_info) { return param_info.param.name; });

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = migrated_database();
    pool_ = std::make_shared<Pool>(PoolOptions{.url = url_, .size = 4});
    store_ = std::make_unique<PostgresStore>(pool_);
  }
  std::string scalar(const std::string& sql) {
    auto lease = pool_->acquire();
    return lease->exec(sql).at(0).at(0).value_or("NULL");
  }

  std::string url_;
  std::shared_ptr<Pool> pool_;
  std::unique_ptr<PostgresStore> store_;
};

TEST_F(PostgresStoreTest, SessionsAreUtcAndTimestampsSurviveAForeignDatabaseZone) {
  crawler::testing::execute_sql(
      url_,
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = ''Asia/Seoul''', "
      "current_database()); END $$");
  Pool pool(PoolOptions{.url = url_, .size = 1});
  PostgresStore store(std::make_shared<Pool>(PoolOptions{.url = url_, .size = 1}));
  EXPECT_EQ(pool.acquire()->exec("SHOW TimeZone").at(0).at(0), "UTC");
  auto before = now_ms();
  auto k = store.add_keyword({"k", "u.com", {}, std::nullopt});
  EXPECT_LE(std::chrono::abs(k.created_at - before), 5s);
  auto when = Timestamp(std::chrono::milliseconds(1700000000123));
  RankingWrite w;
  w.keyword_id = k.id;
  w.rank = 1;
  w.checked_at = when;
  w.job_id = "j";
  w.job_created_at = when - 1ms;
  store.record_ranking(w);
  EXPECT_EQ(store.get_keyword(k.id)->last_checked_at, when);
  EXPECT_EQ(pool.acquire()
                ->exec("SELECT to_char(last_checked_at, 'YYYY-MM-DD HH24:MI:SS.MS') FROM keywords")
                .at(0)
                .at(0),
            "2023-11-14 22:13:20.123");
}

TEST_F(PostgresStoreTest, TheKeywordCountRowMatchesTheTableThroughEveryWrite) {
  auto check = [&] {
    EXPECT_EQ(scalar("SELECT total FROM keyword_count"), scalar("SELECT count(*) FROM keywords"));
  };
  auto a = store_->add_keyword({"a", "u.com", {}, std::nullopt});
  store_->add_keyword({"b", "u.com", {}, std::nullopt});
  EXPECT_THROW(store_->add_keyword({"a", "u.com", {}, std::nullopt}), Conflict);
  check();
  EXPECT_EQ(store_->list_keywords({}).total, 2);
  store_->delete_keyword(a.id);
  check();
  crawler::testing::execute_sql(
      url_,
      "INSERT INTO keywords (keyword, url) SELECT 'g' || i, 'g.com' FROM "
      "generate_series(1, 50) i; DELETE FROM keywords WHERE keyword LIKE 'g1%'");
  check();
  EXPECT_EQ(store_->list_keywords({}).total, 40);
  store_->reset();
  check();
  EXPECT_EQ(scalar("SELECT total FROM keyword_count"), "0");
}

TEST_F(PostgresStoreTest, AtTenThousandKeywordsPagesAreIndexScans) {
  crawler::testing::execute_sql(
      url_,
      "INSERT INTO keywords (keyword, url, tags, last_rank, last_checked_at, created_at) "
      "SELECT 'keyword ' || i, 'site' || (i % 100) || '.com', ARRAY['t' || (i % 10)], "
      "CASE WHEN i % 3 = 0 THEN NULL ELSE i % 15 + 1 END, "
      "CASE WHEN i % 4 = 0 THEN NULL ELSE now() - i * interval '1 minute' END, "
      "now() - i * interval '1 second' FROM generate_series(1, 10000) i; ANALYZE keywords");
  for (auto sort :
       {KeywordSort::created, KeywordSort::last_checked, KeywordSort::keyword, KeywordSort::rank}) {
    for (bool asc : {true, false}) {
      KeywordQuery q;
      q.sort_by = sort;
      q.ascending = asc;
      q.limit = 50;
      auto page = store_->list_keywords(q);
      EXPECT_EQ(page.total, 10000);
      EXPECT_EQ(page.keywords.size(), 50u);
    }
  }
  // The plans behind the unfiltered listing: no sequential scan, no sort of the whole table.
  const char* orders[] = {"created_at DESC, id DESC",
                          "created_at ASC, id ASC",
                          "last_checked_at ASC NULLS LAST, id ASC",
                          "last_checked_at DESC NULLS LAST, id DESC",
                          "last_rank ASC NULLS LAST, id ASC",
                          "last_rank DESC NULLS LAST, id DESC",
                          "keyword ASC, id ASC",
                          "keyword DESC, id DESC"};
  for (auto order : orders) {
    auto lease = pool_->acquire();
    std::string plan;
    for (auto& row : lease->exec(std::string("EXPLAIN SELECT * FROM keywords ORDER BY ") + order +
                                 " LIMIT 50 OFFSET 0"))
      plan += row.at(0).value_or("") + "\n";
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << order << "\n" << plan;
    EXPECT_EQ(plan.find("Sort"), std::string::npos) << order << "\n" << plan;
  }
}

}  // namespace
}  // namespace crawler::store::testing
