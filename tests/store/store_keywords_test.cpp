// Contract: keywords (add, get, update, delete, list with sort/search/tag/paging, due).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract.h"

namespace crawler::store::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

TEST_P(StoreContract, AddReturnsTheNewRowWithDefaults) {
  auto before = now_ms();
  auto k = add("운동화", "shop.example.com/a", {"shoes", "spring"}, 3);
  EXPECT_GT(k.id, 0);
  EXPECT_EQ(k.keyword, "운동화");
  EXPECT_EQ(k.url, "shop.example.com/a");
  EXPECT_THAT(k.tags, ElementsAre("shoes", "spring"));
  EXPECT_EQ(k.target_rank, 3);
  EXPECT_EQ(k.last_rank, std::nullopt);
  EXPECT_EQ(k.last_checked_at, std::nullopt);
  EXPECT_TRUE(k.is_active);
  // created_at is "now" in UTC: a time-zone slip would be off by hours.
  EXPECT_GE(k.created_at, before - 2s);
  EXPECT_LE(k.created_at, now_ms() + 2s);
  auto got = store().get_keyword(k.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->keyword, k.keyword);
  EXPECT_EQ(got->created_at, k.created_at);
  EXPECT_EQ(store().get_keyword(k.id + 1000), std::nullopt);
}

TEST_P(StoreContract, DuplicateKeywordAndUrlIsAConflictCarryingTheExistingId) {
  auto first = add("shoes", "a.com");
  try {
    add("shoes", "a.com", {"other"}, 1);
    FAIL() << "no Conflict";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.existing_id, first.id);
  }
  // Same keyword elsewhere, or different case: distinct rows.
  EXPECT_NE(add("shoes", "b.com").id, first.id);
  EXPECT_NE(add("Shoes", "a.com").id, first.id);
  EXPECT_EQ(store().list_keywords({}).total, 3);
}

TEST_P(StoreContract, TagsRoundTripWhateverTheyContain) {
  std::vector<std::string> tags{"a,b",     "quo\"te",  "back\\slash", "NULL", "한국어",
                                "{brace}", " spaced ", "it's",        ""};
  auto k = add("k", "u.com", tags);
  EXPECT_EQ(k.tags, tags);
  EXPECT_EQ(store().get_keyword(k.id)->tags, tags);
  EXPECT_TRUE(add("k2", "u.com").tags.empty());
}

TEST_P(StoreContract, InvalidTargetRankIsRejected) {
  EXPECT_THROW(add("k", "u.com", {}, 0), std::invalid_argument);
  auto k = add("k", "u.com");
  KeywordUpdate u;
  u.target_rank = std::optional<int>(-1);
  EXPECT_THROW(store().update_keyword(k.id, u), std::invalid_argument);
}

TEST_P(StoreContract, UpdateChangesOnlyTagsAndTargetRank) {
  auto k = add("k", "u.com", {"x"}, 5);
  KeywordUpdate tags_only;
  tags_only.tags = std::vector<std::string>{"y", "z"};
  auto u = store().update_keyword(k.id, tags_only);
  ASSERT_TRUE(u);
  EXPECT_THAT(u->tags, ElementsAre("y", "z"));
  EXPECT_EQ(u->target_rank, 5);
  EXPECT_EQ(u->keyword, "k");
  EXPECT_EQ(u->created_at, k.created_at);

  KeywordUpdate clear_rank;
  clear_rank.target_rank = std::optional<int>();
  u = store().update_keyword(k.id, clear_rank);
  EXPECT_EQ(u->target_rank, std::nullopt);
  EXPECT_THAT(u->tags, ElementsAre("y", "z"));

  KeywordUpdate nothing;
  EXPECT_EQ(store().update_keyword(k.id, nothing)->tags, u->tags);
  EXPECT_EQ(store().update_keyword(k.id + 99, tags_only), std::nullopt);
}

TEST_P(StoreContract, DeleteRemovesTheKeywordOnce) {
  auto k = add("k", "u.com");
  EXPECT_TRUE(store().delete_keyword(k.id));
  EXPECT_FALSE(store().delete_keyword(k.id));
  EXPECT_EQ(store().get_keyword(k.id), std::nullopt);
  EXPECT_EQ(store().list_keywords({}).total, 0);
  // The pair is free again.
  EXPECT_NO_THROW(add("k", "u.com"));
}

TEST_P(StoreContract, PagesCoverEveryRowOnceAndTotalCountsAll) {
  std::vector<std::int64_t> all;
  for (int i = 0; i < 25; ++i) all.push_back(add("k" + std::to_string(i), "u.com").id);
  KeywordQuery q;
  q.limit = 10;
  q.ascending = true;
  std::vector<std::int64_t> seen;
  for (int page = 1; page <= 3; ++page) {
    q.page = page;
    auto p = store().list_keywords(q);
    EXPECT_EQ(p.total, 25);
    EXPECT_EQ(p.keywords.size(), page < 3 ? 10u : 5u);
    for (auto id : ids(p.keywords)) seen.push_back(id);
  }
  EXPECT_EQ(seen, all);
  q.page = 4;
  auto beyond = store().list_keywords(q);
  EXPECT_TRUE(beyond.keywords.empty());
  EXPECT_EQ(beyond.total, 25);
  q.page = 1000000;
  q.limit = 1000000;
  EXPECT_TRUE(store().list_keywords(q).keywords.empty());
  q.page = 0;
  EXPECT_THROW(store().list_keywords(q), std::invalid_argument);
  q.page = 1;
  q.limit = 0;
  EXPECT_THROW(store().list_keywords(q), std::invalid_argument);
}

TEST_P(StoreContract, SortByCreatedFollowsInsertionBothWays) {
  auto a = add("b", "u.com"), b = add("c", "u.com"), c = add("a", "u.com");
  KeywordQuery q;  // default: created, descending
  EXPECT_THAT(ids(store().list_keywords(q).keywords), ElementsAre(c.id, b.id, a.id));
  q.ascending = true;
  EXPECT_THAT(ids(store().list_keywords(q).keywords), ElementsAre(a.id, b.id, c.id));
}

TEST_P(StoreContract, SortByKeyword) {
  auto b = add("b", "u.com"), a = add("a", "u.com"), c = add("c", "u.com");
  KeywordQuery q;
  q.sort_by = KeywordSort::keyword;
  q.ascending = true;
  EXPECT_THAT(ids(store().list_keywords(q).keywords), ElementsAre(a.id, b.id, c.id));
  q.ascending = false;
  EXPECT_THAT(ids(store().list_keywords(q).keywords), ElementsAre(c.id, b.id, a.id));
}

TEST_P(StoreContract, SortByLastCheckedPutsNeverCheckedLastInBothDirections) {
  auto never1 = add("n1", "u.com");
  auto old = add("old", "u.com");
  auto never2 = add("n2", "u.com");
  auto recent = add("recent", "u.com");
  store().record_ranking(result(old.id, 3, at(100), "j-old"));
  store().record_ranking(result(recent.id, 1, at(200), "j-recent"));
  KeywordQuery q;
  q.sort_by = KeywordSort::last_checked;
  q.ascending = true;
  EXPECT_THAT(ids(store().list_keywords(q).keywords),
              ElementsAre(old.id, recent.id, never1.id, never2.id));
  q.ascending = false;
  EXPECT_THAT(ids(store().list_keywords(q).keywords),
              ElementsAre(recent.id, old.id, never2.id, never1.id));
}

TEST_P(StoreContract, SortByRankPutsNoRankLastAndBreaksTiesById) {
  auto none = add("none", "u.com");
  auto r5 = add("r5", "u.com");
  auto r1 = add("r1", "u.com");
  auto r5b = add("r5b", "u.com");
  auto not_found = add("nf", "u.com");  // checked, not found: rank null
  store().record_ranking(result(r5.id, 5, at(1), "a"));
  store().record_ranking(result(r1.id, 1, at(2), "b"));
  store().record_ranking(result(r5b.id, 5, at(3), "c"));
  store().record_ranking(result(not_found.id, std::nullopt, at(4), "d"));
  KeywordQuery q;
  q.sort_by = KeywordSort::rank;
  q.ascending = true;
  EXPECT_THAT(ids(store().list_keywords(q).keywords),
              ElementsAre(r1.id, r5.id, r5b.id, none.id, not_found.id));
  q.ascending = false;
  EXPECT_THAT(ids(store().list_keywords(q).keywords),
              ElementsAre(r5b.id, r5.id, r1.id, not_found.id, none.id));
  // Paging through a sort with ties and nulls neither repeats nor skips.
  q.limit = 2;
  std::vector<std::int64_t> seen;
  for (q.page = 1; q.page <= 3; ++q.page)
    for (auto id : ids(store().list_keywords(q).keywords)) seen.push_back(id);
  EXPECT_THAT(seen, ElementsAre(r5b.id, r5.id, r1.id, not_found.id, none.id));
}

TEST_P(StoreContract, SearchIsACaseInsensitiveLiteralSubstringOfKeywordOrUrl) {
  auto shoes = add("Running Shoes", "shop.example.com");
  auto percent = add("100% cotton", "cotton.kr");
  auto underscore = add("a_b", "under.kr");
  auto axb = add("axb", "plain.kr");
  auto quote = add("it's \"quoted\"", "q.kr");
  auto slash = add("back\\slash", "s.kr");
  auto korean = add("강남 맛집", "food.co.kr/강남");
  auto search = [&](const std::string& text) {
    KeywordQuery q;
    q.search = text;
    q.ascending = true;
    auto page = store().list_keywords(q);
    EXPECT_EQ(page.total, static_cast<std::int64_t>(page.keywords.size())) << text;
    return ids(page.keywords);
  };
  EXPECT_THAT(search("running"), ElementsAre(shoes.id));
  EXPECT_THAT(search("EXAMPLE.COM"), ElementsAre(shoes.id));  // url
  EXPECT_THAT(search("%"), ElementsAre(percent.id));
  EXPECT_THAT(search("100%"), ElementsAre(percent.id));
  EXPECT_THAT(search("_"), ElementsAre(underscore.id));
  EXPECT_THAT(search("a_b"), ElementsAre(underscore.id));  // not axb
  EXPECT_THAT(search("'"), ElementsAre(quote.id));
  EXPECT_THAT(search("\"quoted\""), ElementsAre(quote.id));
  EXPECT_THAT(search("\\"), ElementsAre(slash.id));
  EXPECT_THAT(search("맛집"), ElementsAre(korean.id));
  EXPECT_THAT(search("강남"), ElementsAre(korean.id));
  EXPECT_THAT(search("'; DROP TABLE keywords; --"), ElementsAre());
  EXPECT_THAT(search(".kr"),
              ElementsAre(percent.id, underscore.id, axb.id, quote.id, slash.id, korean.id));
}

TEST_P(StoreContract, TagFilterMatchesWholeTagsAndCombinesWithSearch) {
  auto a = add("alpha", "a.com", {"red", "blue"});
  auto b = add("beta", "b.com", {"red"});
  add("gamma", "c.com", {"reddish"});
  add("delta", "d.com");
  KeywordQuery q;
  q.ascending = true;
  q.tag = "red";
  auto page = store().list_keywords(q);
  EXPECT_THAT(ids(page.keywords), ElementsAre(a.id, b.id));
  EXPECT_EQ(page.total, 2);
  q.search = "BETA";
  page = store().list_keywords(q);
  EXPECT_THAT(ids(page.keywords), ElementsAre(b.id));
  EXPECT_EQ(page.total, 1);
  q.search = "";
  q.tag = "한글";
  EXPECT_EQ(store().list_keywords(q).total, 0);
  q.tag = "re%";
  EXPECT_EQ(store().list_keywords(q).total, 0);
}

TEST_P(StoreContract, DueKeywordsAreNeverCheckedThenOldestFirst) {
  auto never = add("never", "u.com");
  auto old = add("old", "u.com");
  auto older = add("older", "u.com");
  auto fresh = add("fresh", "u.com");
  store().record_ranking(result(old.id, 1, at(1000), "1"));
  store().record_ranking(result(older.id, 1, at(500), "2"));
  store().record_ranking(result(fresh.id, 1, at(1990), "3"));
  auto now = at(2000);
  EXPECT_THAT(ids(store().due_keywords(now, 60s, 100)), ElementsAre(never.id, older.id, old.id));
  EXPECT_THAT(ids(store().due_keywords(now, 60s, 2)), ElementsAre(never.id, older.id));
  EXPECT_THAT(ids(store().due_keywords(now, 1200s, 100)), ElementsAre(never.id, older.id));
  EXPECT_THAT(ids(store().due_keywords(now, 5s, 100)),
              ElementsAre(never.id, older.id, old.id, fresh.id));
  EXPECT_THROW(store().due_keywords(now, 5s, 0), std::invalid_argument);
}

TEST_P(StoreContract, DueKeywordsWalkInBatchesFromOneSnapshot) {
  std::vector<std::int64_t> expected;
  for (int i = 0; i < 7; ++i) expected.push_back(add("k" + std::to_string(i), "u.com").id);
  std::vector<std::int64_t> seen;
  std::vector<std::size_t> sizes;
  store().for_each_due_keyword(at(2000), 60s, 3, [&](std::vector<Keyword>& batch) {
    sizes.push_back(batch.size());
    for (const auto& k : batch) {
      seen.push_back(k.id);
      // Work done while walking (a check recorded) neither hides nor repeats a keyword.
      store().record_ranking(result(k.id, 1, at(1999), "job-" + std::to_string(k.id)));
    }
  });
  EXPECT_EQ(seen, expected);
  EXPECT_THAT(sizes, ElementsAre(3u, 3u, 1u));
  // All checked now: nothing is due, and the callback is never called.
  int calls = 0;
  store().for_each_due_keyword(at(2000), 60s, 3, [&](std::vector<Keyword>&) { ++calls; });
  EXPECT_EQ(calls, 0);
  // An exception from the callback propagates and leaves the store usable.
  EXPECT_THROW(store().for_each_due_keyword(
                   at(5000), 60s, 2,
                   [](std::vector<Keyword>&) -> void { throw std::runtime_error("queue down"); }),
               std::runtime_error);
  EXPECT_EQ(store().due_keywords(at(5000), 60s, 100).size(), 7u);
  EXPECT_THROW(store().for_each_due_keyword(at(2000), 60s, 0, [](std::vector<Keyword>&) {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace crawler::store::testing
