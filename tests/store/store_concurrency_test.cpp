// Contract: concurrent callers. Uniqueness and idempotence must come from the database, not
// from a check-then-write in the store: these races would expose the latter.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <mutex>
#include <thread>

#include "store_contract.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kThreads = 8;

// Runs fn(i) on kThreads threads released together; failures are reported, not thrown.
template <class Fn>
void race(Fn fn) {
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      fn(i);
    });
  for (auto& t : threads) t.join();
}

TEST_P(StoreContract, EightThreadsAddingTheSameKeywordMakeOneRowAndSevenConflicts) {
  std::atomic<int> added{0}, conflicts{0}, other{0};
  std::mutex m;
  std::vector<std::int64_t> ids_seen;
  race([&](int) {
    try {
      auto k = store().add_keyword({"동시", "race.kr", {}, std::nullopt});
      ++added;
      std::lock_guard lock(m);
      ids_seen.push_back(k.id);
    } catch (const Conflict& e) {
      ++conflicts;
      std::lock_guard lock(m);
      ids_seen.push_back(e.existing_id);
    } catch (const std::exception& e) {
      ++other;
      ADD_FAILURE() << e.what();
    }
  });
  EXPECT_EQ(added, 1);
  EXPECT_EQ(conflicts, kThreads - 1);
  EXPECT_EQ(other, 0);
  auto page = store().list_keywords({});
  EXPECT_EQ(page.total, 1);
  ASSERT_EQ(page.keywords.size(), 1u);
  for (auto id : ids_seen) EXPECT_EQ(id, page.keywords[0].id);
}

TEST_P(StoreContract, EightDeliveriesOfOneJobRecordOneRanking) {
  auto k = add("k", "u.com");
  auto created =
      store().create_bulk_search({"b", std::nullopt, {{"k", "u.com"}, {"z", "z.com"}}}, at(0), 1h);
  auto w = result(k.id, 3, at(10), "job-race");
  w.bulk_search_keyword_id = created.keywords[0].id;
  std::atomic<int> fresh{0}, duplicates{0};
  race([&](int) {
    try {
      (store().record_ranking(w).duplicate ? duplicates : fresh)++;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  });
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(duplicates, kThreads - 1);
  EXPECT_EQ(store().keyword_rankings(k.id, 100).size(), 1u);
  auto s = *store().get_bulk_search(created.search.id);
  EXPECT_EQ(s.completed_count, 1);
  EXPECT_EQ(s.pending_count, 1);
}

TEST_P(StoreContract, EightDeliveriesOfOneMonitoredJobRecordOneRankingAndMoveTheKeywordOnce) {
  auto k = add("k", "u.com");
  auto w = result(k.id, 3, at(10), "job-race");
  std::atomic<int> fresh{0}, duplicates{0}, updated{0};
  race([&](int) {
    try {
      auto r = store().record_ranking(w);
      (r.duplicate ? duplicates : fresh)++;
      if (r.keyword_updated) ++updated;
      if (r.duplicate) {
        EXPECT_FALSE(r.ranking_id);
        EXPECT_FALSE(r.keyword_updated);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  });
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(duplicates, kThreads - 1);
  EXPECT_EQ(updated, 1);
  EXPECT_EQ(store().keyword_rankings(k.id, 100).size(), 1u);
  EXPECT_EQ(store().get_keyword(k.id)->last_rank, 3);
}

TEST_P(StoreContract, ConcurrentResultsForOneKeywordLeaveTheNewestCheck) {
  auto k = add("k", "u.com");
  race([&](int t) {
    for (int i = t; i < kThreads * 4; i += kThreads) {
      try {
        // Checks written in no particular order; the newest is rank 1000 at t = 1000 s.
        const int when = (i * 7919) % (kThreads * 4) + 1000 - kThreads * 4 + 1;
        store().record_ranking(result(k.id, when, at(when), "job-" + std::to_string(i)));
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
  });
  EXPECT_EQ(store().keyword_rankings(k.id, 100).size(), static_cast<std::size_t>(kThreads * 4));
  auto after = *store().get_keyword(k.id);
  EXPECT_EQ(after.last_rank, 1000);
  EXPECT_EQ(after.last_checked_at, at(1000));
}

TEST_P(StoreContract, ConcurrentCompletionsOfOneBulkSearchCountExactly) {
  std::vector<NewBulkSearch::Row> rows;
  for (int i = 0; i < kThreads * 5; ++i) rows.push_back({"kw" + std::to_string(i), "u.com"});
  auto created = store().create_bulk_search({"b", std::nullopt, rows}, at(0), 1h);
  race([&](int t) {
    for (int i = t; i < static_cast<int>(rows.size()); i += kThreads) {
      auto w = result(std::nullopt, i, at(100 + i), "bulk-" + std::to_string(i));
      w.bulk_search_keyword_id = created.keywords[static_cast<size_t>(i)].id;
      try {
        store().record_ranking(w);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
  });
  auto s = *store().get_bulk_search(created.search.id);
  EXPECT_EQ(s.completed_count, static_cast<int>(rows.size()));
  EXPECT_EQ(s.pending_count, 0);
  EXPECT_EQ(s.status, "completed");
}

}  // namespace
}  // namespace crawler::store::testing
