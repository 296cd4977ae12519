// Contract: record_ranking (idempotence, ordering, keyword bookkeeping), ranking reads,
// cascade delete and reset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

std::vector<std::int64_t> ranking_ids(const std::vector<Ranking>& rankings) {
  std::vector<std::int64_t> out;
  for (const auto& r : rankings) out.push_back(r.id);
  return out;
}

TEST_P(StoreContract, RecordStoresEveryFieldAndUpdatesTheKeyword) {
  auto k = add("shoes", "shop.kr");
  RankingWrite w = result(k.id, 4, at(100), "job-7", 2);
  w.measured.crawling_method = "browser";
  w.measured.crawling_duration_ms = 1234;
  w.measured.total_duration_ms = 5678;
  w.measured.request_bytes = 1000;
  w.measured.response_bytes = 250000;
  w.measured.total_network_bytes = 251000;
  auto r = store().record_ranking(w);
  EXPECT_FALSE(r.duplicate);
  ASSERT_TRUE(r.ranking_id);
  EXPECT_TRUE(r.keyword_updated);
  EXPECT_FALSE(r.bulk_row_completed);

  auto history = store().keyword_rankings(k.id, 10);
  ASSERT_EQ(history.size(), 1u);
  const auto& h = history[0];
  EXPECT_EQ(h.id, *r.ranking_id);
  EXPECT_EQ(h.keyword_id, k.id);
  EXPECT_EQ(h.rank, 4);
  EXPECT_EQ(h.rank_type, "AD");
  EXPECT_EQ(h.checked_at, at(100));
  EXPECT_EQ(h.crawling_created_at, at(95));
  EXPECT_EQ(h.measured.crawling_duration_ms, 1234);
  EXPECT_EQ(h.measured.total_duration_ms, 5678);
  EXPECT_EQ(h.measured.crawling_method, "browser");
  EXPECT_EQ(h.measured.request_bytes, 1000);
  EXPECT_EQ(h.measured.response_bytes, 250000);
  EXPECT_EQ(h.measured.total_network_bytes, 251000);
  EXPECT_EQ(h.job_id, "job-7");
  EXPECT_EQ(h.job_attempt, 2);
  EXPECT_EQ(h.keyword, "shoes");
  EXPECT_EQ(h.url, "shop.kr");

  auto updated = store().get_keyword(k.id);
  EXPECT_EQ(updated->last_rank, 4);
  EXPECT_EQ(updated->last_checked_at, at(100));
}

TEST_P(StoreContract, TheSameJobAttemptIsRecordedOnce) {
  auto k = add("k", "u.com");
  auto w = result(k.id, 2, at(10), "job-1");
  auto first = store().record_ranking(w);
  EXPECT_FALSE(first.duplicate);
  w.rank = 9;  // a redelivery must not rewrite history either
  w.checked_at = at(20);
  auto again = store().record_ranking(w);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.ranking_id, std::nullopt);
  EXPECT_FALSE(again.keyword_updated);
  EXPECT_EQ(store().keyword_rankings(k.id, 10).size(), 1u);
  EXPECT_EQ(store().get_keyword(k.id)->last_rank, 2);
  EXPECT_EQ(store().get_keyword(k.id)->last_checked_at, at(10));

  // Another attempt, another creation time, another rank type: distinct results.
  EXPECT_FALSE(store().record_ranking(result(k.id, 3, at(30), "job-1", 2)).duplicate);
  auto recreated = result(k.id, 3, at(40), "job-1");
  recreated.job_created_at = at(35);
  EXPECT_FALSE(store().record_ranking(recreated).duplicate);
  auto organic = w;
  organic.rank_type = "ORGANIC";
  EXPECT_FALSE(store().record_ranking(organic).duplicate);
  EXPECT_EQ(store().keyword_rankings(k.id, 10).size(), 4u);
}

TEST_P(StoreContract, AnOlderResultNeverOverwritesANewerOne) {
  auto k = add("k", "u.com");
  store().record_ranking(result(k.id, 1, at(200), "new"));
  auto late = store().record_ranking(result(k.id, 7, at(100), "old"));
  EXPECT_TRUE(late.ranking_id);  // history keeps it
  EXPECT_FALSE(late.keyword_updated);
  auto got = store().get_keyword(k.id);
  EXPECT_EQ(got->last_rank, 1);
  EXPECT_EQ(got->last_checked_at, at(200));
  auto history = store().keyword_rankings(k.id, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].checked_at, at(200));  // newest first by check time
  EXPECT_EQ(history[1].checked_at, at(100));
}

TEST_P(StoreContract, OrganicResultsAreHistoryOnlyAndNotFoundClearsTheRank) {
  auto k = add("k", "u.com");
  store().record_ranking(result(k.id, 2, at(10), "ad"));
  auto organic = result(k.id, 8, at(20), "organic");
  organic.rank_type = "ORGANIC";
  EXPECT_FALSE(store().record_ranking(organic).keyword_updated);
  EXPECT_EQ(store().get_keyword(k.id)->last_rank, 2);
  EXPECT_TRUE(store().record_ranking(result(k.id, std::nullopt, at(30), "gone")).keyword_updated);
  auto got = store().get_keyword(k.id);
  EXPECT_EQ(got->last_rank, std::nullopt);
  EXPECT_EQ(got->last_checked_at, at(30));
  EXPECT_EQ(store().keyword_rankings(k.id, 1).at(0).rank, std::nullopt);
}

TEST_P(StoreContract, AResultForADeletedKeywordIsDropped) {
  auto k = add("k", "u.com");
  store().delete_keyword(k.id);
  auto r = store().record_ranking(result(k.id, 1, at(1), "late"));
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.ranking_id, std::nullopt);
  EXPECT_TRUE(store().latest_rankings(10, std::nullopt).empty());
}

TEST_P(StoreContract, InvalidResultsAreRejected) {
  auto k = add("k", "u.com");
  EXPECT_THROW(store().record_ranking(result(k.id, 1, at(1), "")), std::invalid_argument);
  auto w = result(k.id, 1, at(1), "j");
  w.rank_type = "ad";
  EXPECT_THROW(store().record_ranking(w), std::invalid_argument);
}

TEST_P(StoreContract, LatestRankingsAreNewestFirstLimitedAndFilterable) {
  auto a = add("a", "a.com"), b = add("b", "b.com");
  auto r1 = *store().record_ranking(result(a.id, 1, at(1), "1")).ranking_id;
  auto r2 = *store().record_ranking(result(b.id, 2, at(2), "2")).ranking_id;
  auto r3 = *store().record_ranking(result(a.id, 3, at(3), "3")).ranking_id;
  auto r4 = *store().record_ranking(result(b.id, 4, at(3), "4")).ranking_id;  // same time
  EXPECT_THAT(ranking_ids(store().latest_rankings(10, std::nullopt)), ElementsAre(r4, r3, r2, r1));
  EXPECT_THAT(ranking_ids(store().latest_rankings(2, std::nullopt)), ElementsAre(r4, r3));
  auto only_a = store().latest_rankings(10, a.id);
  EXPECT_THAT(ranking_ids(only_a), ElementsAre(r3, r1));
  EXPECT_EQ(only_a[0].keyword, "a");
  EXPECT_EQ(only_a[0].url, "a.com");
  EXPECT_THAT(ranking_ids(store().keyword_rankings(b.id, 10)), ElementsAre(r4, r2));
  EXPECT_THAT(ranking_ids(store().keyword_rankings(b.id, 1)), ElementsAre(r4));
  EXPECT_TRUE(store().keyword_rankings(999, 10).empty());
  EXPECT_TRUE(store().latest_rankings(10, 999).empty());
}

TEST_P(StoreContract, DeletingAKeywordDeletesItsRankings) {
  auto a = add("a", "a.com"), b = add("b", "b.com");
  store().record_ranking(result(a.id, 1, at(1), "1"));
  store().record_ranking(result(a.id, 2, at(2), "2"));
  store().record_ranking(result(b.id, 3, at(3), "3"));
  EXPECT_TRUE(store().delete_keyword(a.id));
  EXPECT_TRUE(store().keyword_rankings(a.id, 10).empty());
  auto rest = store().latest_rankings(10, std::nullopt);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].keyword_id, b.id);
}

TEST_P(StoreContract, ResetEmptiesEverythingAndRestartsIds) {
  auto k = add("k", "u.com");
  add("k2", "u.com");
  store().record_ranking(result(k.id, 1, at(1), "1"));
  store().create_bulk_search({"bulk", "f.xlsx", {{"k", "u.com"}, {"x", "y.com"}}}, at(2), 1h);
  store().reset();
  EXPECT_EQ(store().list_keywords({}).total, 0);
  EXPECT_TRUE(store().list_keywords({}).keywords.empty());
  EXPECT_TRUE(store().latest_rankings(10, std::nullopt).empty());
  EXPECT_EQ(store().list_bulk_searches(1, 10).total, 0);
  EXPECT_EQ(add("again", "u.com").id, 1);
  EXPECT_EQ(store().list_keywords({}).total, 1);
  EXPECT_EQ(store().create_bulk_search({"b", std::nullopt, {}}, at(3), 1h).search.id, 1);
}

}  // namespace
}  // namespace crawler::store::testing
