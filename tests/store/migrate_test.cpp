// Migrations against a real PostgreSQL: applied once, in order, atomically, safely in parallel.
#include "store/postgres/migrate.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/services.h"

using namespace crawler::store::postgres;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<Connection> connect(const std::string& url) { return Connection::connect(url, 5s); }

std::string scalar(Connection& c, const std::string& sql) {
  return c.exec(sql).at(0).at(0).value_or("NULL");
}

}  // namespace

TEST(Migrate, AppliesEveryBuiltinMigrationOnceThenNothing) {
  auto url = crawler::testing::SharedServices::get().fresh_database_url();
  auto conn = connect(url);
  auto all = builtin_migrations();
  ASSERT_FALSE(all.empty());
  auto first = migrate(*conn, all);
  EXPECT_EQ(first.applied.size(), all.size());
  EXPECT_EQ(first.current_version, all.back().version);
  auto second = migrate(*conn, all);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.current_version, all.back().version);
  for (auto table : {"keywords", "keyword_rankings", "bulk_searches", "bulk_search_keywords"})
    EXPECT_EQ(scalar(*conn, std::string("SELECT to_regclass('") + table + "') IS NOT NULL"), "t")
        << table;
}

TEST(Migrate, ReplicasStartingTogetherApplyEachMigrationExactlyOnce) {
  auto url = crawler::testing::SharedServices::get().fresh_database_url();
  std::vector<std::thread> threads;
  std::atomic<int> applied{0}, failures{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      try {
        auto conn = connect(url);
        applied += static_cast<int>(migrate(*conn, builtin_migrations()).applied.size());
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(applied, static_cast<int>(builtin_migrations().size()));
  auto conn = connect(url);
  EXPECT_EQ(scalar(*conn, "SELECT count(*) FROM schema_migrations"),
            std::to_string(builtin_migrations().size()));
}

TEST(Migrate, AFailingMigrationRollsBackAndStopsTheRun) {
  auto url = crawler::testing::SharedServices::get().fresh_database_url();
  auto conn = connect(url);
  std::vector<crawler::EmbeddedFile> files{
      {"0001_a.sql", "CREATE TABLE a (id int);"},
      {"0002_b.sql", "CREATE TABLE b (id int); SELECT no_such_function();"},
      {"0003_c.sql", "CREATE TABLE c (id int);"}};
  auto migrations = parse_migrations(files);
  EXPECT_THROW(
      {
        try {
          migrate(*conn, migrations);
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("0002_b"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
  EXPECT_EQ(scalar(*conn, "SELECT to_regclass('a') IS NOT NULL"), "t");
  EXPECT_EQ(scalar(*conn, "SELECT to_regclass('b') IS NOT NULL"), "f") << "rolled back";
  EXPECT_EQ(scalar(*conn, "SELECT to_regclass('c') IS NOT NULL"), "f") << "not attempted";
  EXPECT_EQ(scalar(*conn, "SELECT max(version) FROM schema_migrations"), "1");
  // The advisory lock was released: another session can migrate.
  auto other = connect(url);
  std::vector<crawler::EmbeddedFile> fixed{{"0001_a.sql", "CREATE TABLE a (id int);"},
                                           {"0002_b.sql", "CREATE TABLE b (id int);"}};
  EXPECT_EQ(migrate(*other, parse_migrations(fixed)).applied.size(), 1u);
}

TEST(Migrate, FileNamesMustBeNumberedAndUnique) {
  EXPECT_THROW(parse_migrations({{"initial.sql", ""}}), std::logic_error);
  EXPECT_THROW(parse_migrations({{"0001_a.sql", ""}, {"1_b.sql", ""}}), std::logic_error);
  auto m = parse_migrations({{"0002_b.sql", "x"}, {"0001_a.sql", "y"}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "0001_a");
  EXPECT_EQ(m[1].version, 2);
}
