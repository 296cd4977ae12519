// The Store contract suite on SQLite (a fresh file per test in a temporary directory), plus
// what only the embedded backend has: the file itself (reopened, not a database, shared
// with the embedded queue's tables), several stores on one file as several processes would
// open it, a writer held up past the busy timeout, and query plans that stay index scans.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sqlite/database.h"
#include "store/sqlite/sqlite_store.h"
#include "store_contract.h"
#include "support/temp_dir.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;
using sqlite::SqliteStore;
using sqlite::SqliteStoreOptions;

// One directory for the whole run (removed at exit), one new file per call.
std::string fresh_file() {
  static crawler::testing::TempDir dir("store-sqlite");
  static std::atomic<int> n{0};
  return (dir.path() / ("crawler-" + std::to_string(++n) + ".db")).string();
}

std::unique_ptr<Store> make_sqlite_store() { return std::make_unique<SqliteStore>(fresh_file()); }

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
                         ::testing::Values(StoreBackend{"sqlite", make_sqlite_store}),
                         [](const auto& param_info) { return param_info.param.name; });

Timestamp at(std::int64_t seconds) {
  return Timestamp(std::chrono::milliseconds((1704067200LL + seconds) * 1000));
}

RankingWrite result(std::int64_t keyword_id, int rank, Timestamp checked_at, std::string job) {
  RankingWrite w;
  w.keyword_id = keyword_id;
  w.rank = rank;
  w.checked_at = checked_at;
  w.job_id = std::move(job);
  w.job_created_at = checked_at - 1s;
  w.measured.crawling_method = "http";
  return w;
}

TEST(SqliteStore, AReopenedFileKeepsItsDataAndIdsGoOn) {
  auto path = fresh_file();
  std::int64_t id = 0, bulk = 0;
  {
    SqliteStore store(path);
    id = store.add_keyword({"운동화", "shop.kr", {"신발", "a,b"}, 3}).id;
    store.record_ranking(result(id, 2, at(10), "j1"));
    bulk = store.create_bulk_search({"b", "f.xlsx", {{"x", "x.kr"}}}, at(20), 1h).search.id;
  }
  SqliteStore store(path);
  auto k = store.get_keyword(id);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->keyword, "운동화");
  EXPECT_EQ(k->tags, (std::vector<std::string>{"신발", "a,b"}));
  EXPECT_EQ(k->last_rank, 2);
  EXPECT_EQ(k->last_checked_at, at(10));
  EXPECT_EQ(store.keyword_rankings(id, 10).size(), 1u);
  EXPECT_EQ(store.get_bulk_search(bulk)->total_count, 1);
  // The duplicate rule and the job key survive the reopen too.
  EXPECT_THROW(store.add_keyword({"운동화", "shop.kr", {}, std::nullopt}), Conflict);
  EXPECT_TRUE(store.record_ranking(result(id, 2, at(10), "j1")).duplicate);
  EXPECT_EQ(store.add_keyword({"next", "shop.kr", {}, std::nullopt}).id, id + 1);
}

TEST(SqliteStore, AFileThatIsNotADatabaseIsAClearErrorNamingThePath) {
  auto path = fresh_file();
  {
    std::ofstream out(path);
    out << "this is a text file, not SQLite, and it is long enough to have a header page.\n";
  }
  try {
    SqliteStore store(path);
    FAIL() << "opened a text file";
  } catch (const Unavailable& e) {
    FAIL() << "not a database is not a transient failure: " << e.what();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
  }
  // The file is left as it was.
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("this is a text file", 0), 0u);
}

TEST(SqliteStore, AMissingDirectoryIsAStoreErrorNamingThePath) {
  auto path = fresh_file() + ".d/no/such/dir/crawler.db";
  try {
    SqliteStore store(path);
    FAIL() << "opened " << path;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(SqliteStore, FewerThanTwoConnectionsOrNoFileAreRefused) {
  EXPECT_THROW(SqliteStore(fresh_file(), SqliteStoreOptions{.connections = 1}),
               std::invalid_argument);
  EXPECT_THROW(SqliteStore(":memory:"), std::invalid_argument);
  EXPECT_THROW(SqliteStore(""), std::invalid_argument);
}

// The documented minimum: two connections carry a walk whose callback writes; a pool with no
// connection left fails the call as Unavailable after acquire_timeout instead of hanging.
TEST(SqliteStore, TwoConnectionsCarryAWalkAndAnExhaustedPoolIsUnavailable) {
  SqliteStore store(fresh_file(), SqliteStoreOptions{.connections = 2, .acquire_timeout = 200ms});
  for (int i = 0; i < 5; ++i) store.add_keyword({"k" + std::to_string(i), "u.kr", {}, {}});
  int seen = 0;
  store.for_each_due_keyword(at(100), 60s, 2, [&](std::vector<Keyword>& batch) {
    for (const auto& k : batch) {
      ++seen;
      store.record_ranking(result(k.id, 1, at(99), "walk-" + std::to_string(k.id)));
    }
  });
  EXPECT_EQ(seen, 5);
  EXPECT_TRUE(store.due_keywords(at(100), 60s, 10).empty());
  // A walk inside a walk holds both connections; a third call cannot get one.
  EXPECT_THROW(store.for_each_due_keyword(at(1000), 60s, 10,
                                          [&](std::vector<Keyword>&) {
                                            store.for_each_due_keyword(at(1000), 60s, 10,
                                                                       [&](std::vector<Keyword>&) {
                                                                         store.get_keyword(1);
                                                                       });
                                          }),
               Unavailable);
  EXPECT_TRUE(store.get_keyword(1));  // and the pool is whole again
}

// The embedded queue keeps queue_* tables in the same file and numbers its own schema with
// PRAGMA user_version: neither may hide the store's schema, and reset() leaves them alone.
TEST(SqliteStore, SharesItsFileWithTheQueuesTables) {
  auto path = fresh_file();
  {
    crawler::sqlite::Database db(path);
    db.exec(
        "CREATE TABLE queue_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT); "
        "INSERT INTO queue_jobs (name) VALUES ('a'), ('b'); PRAGMA user_version = 1");
  }
  SqliteStore store(path);
  auto k = store.add_keyword({"k", "u.kr", {}, std::nullopt});
  EXPECT_EQ(k.id, 1);
  store.reset();
  crawler::sqlite::Database db(path);
  auto& count = db.prepare("SELECT count(*), max(id) FROM queue_jobs");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 2);
  EXPECT_EQ(count.int64(1), 2);
  count.reset();
  auto& seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'queue_jobs'");
  ASSERT_TRUE(seq.step());
  EXPECT_EQ(seq.int64(0), 2);
  seq.reset();
  auto& version = db.prepare("PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.int64(0), 1);  // the queue's number, untouched
  version.reset();
}

// Two stores on one file behave as two processes would: SQLite's file lock serialises their
// writers, so uniqueness and idempotence hold across them.
TEST(SqliteStore, TwoStoresOnOneFileShareUniquenessAndIdempotence) {
  auto path = fresh_file();
  SqliteStore a(path), b(path);
  auto k = a.add_keyword({"k", "u.kr", {}, std::nullopt});
  constexpr int kThreads = 8;
  std::atomic<int> added{0}, conflicts{0}, fresh{0}, duplicates{0}, failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      SqliteStore& store = i % 2 ? a : b;
      start.arrive_and_wait();
      try {
        try {
          store.add_keyword({"동시", "race.kr", {}, std::nullopt});
          ++added;
        } catch (const Conflict&) {
          ++conflicts;
        }
        (store.record_ranking(result(k.id, 1, at(5), "same-job")).duplicate ? duplicates : fresh)++;
        for (int j = 0; j < 5; ++j)
          store.add_keyword({"t" + std::to_string(i) + "-" + std::to_string(j), "u.kr", {}, {}});
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(added, 1);
  EXPECT_EQ(conflicts, kThreads - 1);
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(duplicates, kThreads - 1);
  EXPECT_EQ(a.list_keywords({}).total, 2 + kThreads * 5);
  EXPECT_EQ(b.keyword_rankings(k.id, 10).size(), 1u);
}

// A writer of another connection (the embedded queue, another process) holding the write
// lock past busy_timeout: the store's write fails as Unavailable (a 503), reads still work.
TEST(SqliteStore, AWriteLockHeldPastTheBusyTimeoutIsUnavailable) {
  auto path = fresh_file();
  SqliteStore store(path, SqliteStoreOptions{.busy_timeout = 100ms});
  auto k = store.add_keyword({"k", "u.kr", {}, std::nullopt});
  crawler::sqlite::Database other(path);
  {
    crawler::sqlite::Transaction hold(other);
    EXPECT_THROW(store.add_keyword({"k2", "u.kr", {}, std::nullopt}), Unavailable);
    EXPECT_THROW(store.record_ranking(result(k.id, 1, at(1), "j")), Unavailable);
    EXPECT_TRUE(store.get_keyword(k.id));
  }
  EXPECT_NO_THROW(store.add_keyword({"k2", "u.kr", {}, std::nullopt}));
  EXPECT_FALSE(store.record_ranking(result(k.id, 1, at(1), "j")).duplicate);
}

TEST(SqliteStore, ListingPagesAreIndexScansWithoutASortOfTheTable) {
  auto path = fresh_file();
  SqliteStore store(path);
  crawler::sqlite::Database db(path);
  db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
      "INSERT INTO keywords (keyword, url, tags, last_rank, last_checked_at, created_at) "
      "SELECT 'keyword ' || i, 'site' || (i % 100) || '.com', '[\"t' || (i % 10) || '\"]', "
      "CASE WHEN i % 3 = 0 THEN NULL ELSE i % 15 + 1 END, "
      "CASE WHEN i % 4 = 0 THEN NULL ELSE 1700000000000 - i * 60000 END, "
      "1700000000000 - i * 1000 FROM n; ANALYZE");
  // The ORDER BY clauses of sqlite_store.cpp.
  const char* orders[] = {"k.created_at DESC, k.id DESC",
                          "k.created_at ASC, k.id ASC",
                          "k.last_checked_at IS NULL ASC, k.last_checked_at ASC, k.id ASC",
                          "k.last_checked_at IS NULL ASC, k.last_checked_at DESC, k.id DESC",
                          "k.last_rank IS NULL ASC, k.last_rank ASC, k.id ASC",
                          "k.last_rank IS NULL ASC, k.last_rank DESC, k.id DESC",
                          "k.keyword ASC, k.id ASC",
                          "k.keyword DESC, k.id DESC"};
  for (auto order : orders) {
    auto& plan = db.prepare(std::string("EXPLAIN QUERY PLAN SELECT * FROM keywords k ORDER BY ") +
                            order + " LIMIT 50 OFFSET 0");
    std::string text;
    while (plan.step()) text += plan.text(3) + "\n";
    EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << order << "\n" << text;
    EXPECT_NE(text.find("USING INDEX"), std::string::npos) << order << "\n" << text;
  }
  for (auto sort :
       {KeywordSort::created, KeywordSort::last_checked, KeywordSort::keyword, KeywordSort::rank})
    for (bool asc : {true, false}) {
      KeywordQuery q;
      q.sort_by = sort;
      q.ascending = asc;
      q.limit = 50;
      auto page = store.list_keywords(q);
      EXPECT_EQ(page.total, 2000);
      EXPECT_EQ(page.keywords.size(), 50u);
    }
}

}  // namespace
}  // namespace crawler::store::testing
