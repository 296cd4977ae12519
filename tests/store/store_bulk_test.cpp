// Contract: bulk searches (creation with caching, counters through completions and failures,
// listing, row paging with status filter, delete).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using S = BulkKeywordStatus;

std::vector<S> statuses(const std::vector<BulkSearchKeyword>& rows) {
  std::vector<S> out;
  for (const auto& r : rows) out.push_back(r.status);
  return out;
}

TEST_P(StoreContract, BulkCreationCachesFreshResultsAndQueuesTheRest) {
  auto fresh = add("fresh", "f.com");
  auto stale = add("stale", "s.com");
  store().record_ranking(result(fresh.id, 3, at(100'000), "a"));
  store().record_ranking(result(stale.id, 5, at(10), "b"));
  auto now = at(100'100);
  auto created = store().create_bulk_search(
      {"spring",
       "list.xlsx",
       {{"stale", "s.com"}, {"fresh", "f.com"}, {"unknown", "n.com"}, {"fresh", "f.com"}}},
      now, 24h);
  const auto& s = created.search;
  EXPECT_GT(s.id, 0);
  EXPECT_EQ(s.name, "spring");
  EXPECT_EQ(s.filename, "list.xlsx");
  EXPECT_EQ(s.total_count, 4);
  EXPECT_EQ(s.completed_count, 2);
  EXPECT_EQ(s.pending_count, 2);
  EXPECT_EQ(s.status, "processing");
  EXPECT_EQ(s.created_at, now);
  EXPECT_EQ(s.completed_at, std::nullopt);

  const auto& rows = created.keywords;
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(statuses(rows), ElementsAre(S::pending, S::cached, S::pending, S::cached));
  EXPECT_EQ(rows[0].keyword, "stale");  // file order
  EXPECT_EQ(rows[0].keyword_id, stale.id);
  EXPECT_EQ(rows[0].rank, std::nullopt);
  EXPECT_EQ(rows[1].keyword_id, fresh.id);
  EXPECT_EQ(rows[1].rank, 3);
  EXPECT_EQ(rows[1].cached_from, at(100'000));
  EXPECT_EQ(rows[2].keyword_id, std::nullopt);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1].id, rows[i].id);
  for (const auto& r : rows) EXPECT_EQ(r.bulk_search_id, s.id);

  // The interval bounds the cache: with a shorter one nothing is fresh.
  auto strict =
      store().create_bulk_search({"strict", std::nullopt, {{"fresh", "f.com"}}}, now, 50s);
  EXPECT_EQ(strict.keywords.at(0).status, S::pending);
  EXPECT_EQ(strict.search.filename, std::nullopt);
}

TEST_P(StoreContract, ABulkSearchWithNothingToCrawlIsCompletedAtOnce) {
  auto k = add("k", "u.com");
  store().record_ranking(result(k.id, 1, at(100), "a"));
  auto all_cached = store().create_bulk_search({"c", "c.xlsx", {{"k", "u.com"}}}, at(150), 1h);
  EXPECT_EQ(all_cached.search.status, "completed");
  EXPECT_EQ(all_cached.search.completed_at, at(150));
  auto empty = store().create_bulk_search({"e", "e.xlsx", {}}, at(150), 1h);
  EXPECT_EQ(empty.search.total_count, 0);
  EXPECT_EQ(empty.search.status, "completed");
  EXPECT_TRUE(empty.keywords.empty());
}

TEST_P(StoreContract, CompletionsMoveTheCountsAndTheLastOneCompletesTheSearch) {
  auto monitored = add("m", "m.com");
  auto created = store().create_bulk_search(
      {"b", "b.xlsx", {{"m", "m.com"}, {"x", "x.com"}, {"y", "y.com"}}}, at(0), 1h);
  auto id = created.search.id;
  auto rows = created.keywords;
  ASSERT_EQ(rows.size(), 3u);

  // A monitored row: the ranking lands in the keyword's history too.
  auto w = result(monitored.id, 2, at(10), "bulk-1");
  w.bulk_search_keyword_id = rows[0].id;
  auto r = store().record_ranking(w);
  EXPECT_TRUE(r.ranking_id);
  EXPECT_TRUE(r.bulk_row_completed);
  EXPECT_EQ(store().get_keyword(monitored.id)->last_rank, 2);
  auto s = *store().get_bulk_search(id);
  EXPECT_EQ(s.completed_count, 1);
  EXPECT_EQ(s.pending_count, 2);
  EXPECT_EQ(s.status, "processing");

  // The same job again: nothing moves twice.
  EXPECT_TRUE(store().record_ranking(w).duplicate);
  EXPECT_EQ(store().get_bulk_search(id)->completed_count, 1);

  // An unmonitored row (no keyword id): only the bulk row changes; a repeat is harmless.
  auto u = result(std::nullopt, std::nullopt, at(20), "bulk-2");
  u.bulk_search_keyword_id = rows[1].id;
  r = store().record_ranking(u);
  EXPECT_EQ(r.ranking_id, std::nullopt);
  EXPECT_TRUE(r.bulk_row_completed);
  EXPECT_FALSE(store().record_ranking(u).bulk_row_completed);
  s = *store().get_bulk_search(id);
  EXPECT_EQ(s.completed_count, 2);
  EXPECT_EQ(s.pending_count, 1);

  auto last = result(std::nullopt, 7, at(30), "bulk-3");
  last.bulk_search_keyword_id = rows[2].id;
  store().record_ranking(last);
  s = *store().get_bulk_search(id);
  EXPECT_EQ(s.completed_count, 3);
  EXPECT_EQ(s.pending_count, 0);
  EXPECT_EQ(s.status, "completed");
  EXPECT_EQ(s.completed_at, at(30));

  auto page = store().bulk_search_keywords(id, 1, 10, std::nullopt);
  EXPECT_THAT(statuses(page.keywords), ElementsAre(S::completed, S::completed, S::completed));
  EXPECT_EQ(page.keywords[0].rank, 2);
  EXPECT_EQ(page.keywords[1].rank, std::nullopt);
  EXPECT_EQ(page.keywords[2].rank, 7);
  EXPECT_EQ(page.keywords[2].completed_at, at(30));
}

TEST_P(StoreContract, ProcessingAndFailedRowsKeepTheCountsRight) {
  auto created =
      store().create_bulk_search({"b", std::nullopt, {{"a", "a.com"}, {"b", "b.com"}}}, at(0), 1h);
  auto id = created.search.id;
  auto a = created.keywords[0].id, b = created.keywords[1].id;

  EXPECT_TRUE(store().mark_bulk_keyword(a, S::processing, at(1)));
  EXPECT_FALSE(store().mark_bulk_keyword(a, S::processing, at(1)));  // already
  EXPECT_EQ(store().get_bulk_search(id)->pending_count, 2);          // still to be crawled
  EXPECT_TRUE(store().mark_bulk_keyword(a, S::failed, at(2)));
  auto s = *store().get_bulk_search(id);
  EXPECT_EQ(s.pending_count, 1);
  EXPECT_EQ(s.completed_count, 0);

  // A failed row retried successfully counts as completed.
  auto retry = result(std::nullopt, 4, at(3), "retry");
  retry.bulk_search_keyword_id = a;
  EXPECT_TRUE(store().record_ranking(retry).bulk_row_completed);
  s = *store().get_bulk_search(id);
  EXPECT_EQ(s.pending_count, 1);
  EXPECT_EQ(s.completed_count, 1);
  // Final rows do not move.
  EXPECT_FALSE(store().mark_bulk_keyword(a, S::failed, at(4)));

  // The last pending row failing completes the search.
  EXPECT_TRUE(store().mark_bulk_keyword(b, S::failed, at(5)));
  s = *store().get_bulk_search(id);
  EXPECT_EQ(s.pending_count, 0);
  EXPECT_EQ(s.completed_count, 1);
  EXPECT_EQ(s.status, "completed");
  EXPECT_EQ(s.completed_at, at(5));
  // ... and a retry of it reopens the search.
  EXPECT_TRUE(store().mark_bulk_keyword(b, S::processing, at(6)));
  s = *store().get_bulk_search(id);
  EXPECT_EQ(s.pending_count, 1);
  EXPECT_EQ(s.status, "processing");
  EXPECT_EQ(s.completed_at, std::nullopt);

  EXPECT_FALSE(store().mark_bulk_keyword(b + 100, S::failed, at(7)));
  EXPECT_THROW(store().mark_bulk_keyword(b, S::completed, at(7)), std::invalid_argument);
  EXPECT_THROW(store().mark_bulk_keyword(b, S::cached, at(7)), std::invalid_argument);
}

TEST_P(StoreContract, BulkSearchesListNewestFirstAndRowsPageWithAStatusFilter) {
  auto k = add("k", "u.com");
  store().record_ranking(result(k.id, 1, at(100), "a"));
  auto first = store().create_bulk_search({"first", std::nullopt, {}}, at(200), 1h).search.id;
  std::vector<NewBulkSearch::Row> rows;
  for (int i = 0; i < 7; ++i) rows.push_back({"kw" + std::to_string(i), "u.com"});
  rows.push_back({"k", "u.com"});  // cached
  auto second = store().create_bulk_search({"second", std::nullopt, rows}, at(300), 1h).search.id;

  auto list = store().list_bulk_searches(1, 10);
  EXPECT_EQ(list.total, 2);
  ASSERT_EQ(list.bulk_searches.size(), 2u);
  EXPECT_EQ(list.bulk_searches[0].id, second);
  EXPECT_EQ(list.bulk_searches[1].id, first);
  auto p2 = store().list_bulk_searches(2, 1);
  ASSERT_EQ(p2.bulk_searches.size(), 1u);
  EXPECT_EQ(p2.bulk_searches[0].id, first);
  EXPECT_TRUE(store().list_bulk_searches(3, 1).bulk_searches.empty());
  EXPECT_EQ(store().list_bulk_searches(3, 1).total, 2);
  EXPECT_THROW(store().list_bulk_searches(0, 1), std::invalid_argument);

  auto page1 = store().bulk_search_keywords(second, 1, 3, std::nullopt);
  EXPECT_EQ(page1.total, 8);
  ASSERT_EQ(page1.keywords.size(), 3u);
  EXPECT_EQ(page1.keywords[0].keyword, "kw0");
  auto page3 = store().bulk_search_keywords(second, 3, 3, std::nullopt);
  ASSERT_EQ(page3.keywords.size(), 2u);
  EXPECT_EQ(page3.keywords[1].keyword, "k");
  auto cached = store().bulk_search_keywords(second, 1, 10, S::cached);
  EXPECT_EQ(cached.total, 1);
  ASSERT_EQ(cached.keywords.size(), 1u);
  EXPECT_EQ(cached.keywords[0].keyword, "k");
  EXPECT_EQ(store().bulk_search_keywords(second, 1, 10, S::pending).total, 7);
  EXPECT_EQ(store().bulk_search_keywords(second, 1, 10, S::failed).total, 0);
  EXPECT_EQ(store().bulk_search_keywords(second + 50, 1, 10, std::nullopt).total, 0);
  EXPECT_TRUE(store().bulk_search_keywords(second, 9, 10, std::nullopt).keywords.empty());
}

TEST_P(StoreContract, DeletingABulkSearchDeletesItsRowsAndDeletingAKeywordUnlinksThem) {
  auto k = add("k", "u.com");
  auto created = store().create_bulk_search({"b", std::nullopt, {{"k", "u.com"}}}, at(0), 1h);
  EXPECT_EQ(created.keywords[0].keyword_id, k.id);
  EXPECT_TRUE(store().delete_keyword(k.id));
  auto rows = store().bulk_search_keywords(created.search.id, 1, 10, std::nullopt);
  ASSERT_EQ(rows.keywords.size(), 1u);
  EXPECT_EQ(rows.keywords[0].keyword_id, std::nullopt);

  EXPECT_TRUE(store().delete_bulk_search(created.search.id));
  EXPECT_FALSE(store().delete_bulk_search(created.search.id));
  EXPECT_EQ(store().get_bulk_search(created.search.id), std::nullopt);
  EXPECT_EQ(store().bulk_search_keywords(created.search.id, 1, 10, std::nullopt).total, 0);
}

}  // namespace
}  // namespace crawler::store::testing
