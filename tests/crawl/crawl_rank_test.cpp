// The rank rule (crawl/rank.h): first match wins, title or display URL, scheme/www./case
// normalisation on both sides, Korean text, not found → nullopt.
#include <gtest/gtest.h>

#include "crawl/rank.h"

namespace crawler::crawl {
namespace {

std::vector<Item> items(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<Item> out;
  for (auto [t, u] : list) out.push_back({t, u});
  return out;
}

TEST(NormalizeForMatch, StripsSchemeWwwAndCase) {
  EXPECT_EQ(normalize_for_match("https://www.Shop.example/A"), "shop.example/a");
  EXPECT_EQ(normalize_for_match("HTTP://WWW.shop.example"), "shop.example");
  EXPECT_EQ(normalize_for_match("www.shop.example"), "shop.example");
  EXPECT_EQ(normalize_for_match("  shop.example"), "shop.example");
  EXPECT_EQ(normalize_for_match("wwwshop.example"), "wwwshop.example");
  EXPECT_EQ(normalize_for_match("한글.example"), "한글.example");
}

TEST(FindRank, MatchesDisplayUrlWithWwwAndScheme) {
  const auto list = items({{"광고 1", "www.other.example"},
                           {"광고 2", "https://www.Shop-3.example/store"},
                           {"광고 3", "shop-3.example"}});
  EXPECT_EQ(find_rank(list, "shop-3.example"), 2);
  EXPECT_EQ(find_rank(list, "SHOP-3.example"), 2);
  EXPECT_EQ(find_rank(list, "https://www.shop-3.example"), 2);
}

TEST(FindRank, MatchesTitleOnly) {
  const auto list = items({{"신발 최저가 - 샵1", "www.shop-1.example"},
                           {"신발 공식몰 SHOP-4.example", "ad.link.example/c/4"}});
  EXPECT_EQ(find_rank(list, "shop-4.example"), 2);
}

TEST(FindRank, FirstMatchWinsAndPositionsCountEveryItem) {
  const auto list = items({{"", ""}, {"", ""}, {"x", "a.example"}, {"y", "a.example"}});
  EXPECT_EQ(find_rank(list, "a.example"), 3);
}

TEST(FindRank, KoreanTargets) {
  const auto list = items({{"가방", "www.가방.한국"}, {"신발 전문점 신발.한국", "x.example"}});
  EXPECT_EQ(find_rank(list, "신발.한국"), 2);
  EXPECT_EQ(find_rank(list, "가방.한국"), 1);
}

TEST(FindRank, NotFoundAndEmpty) {
  const auto list = items({{"a", "b.example"}});
  EXPECT_EQ(find_rank(list, "c.example"), std::nullopt);
  EXPECT_EQ(find_rank({}, "c.example"), std::nullopt);
  EXPECT_EQ(find_rank(list, ""), std::nullopt);
  EXPECT_EQ(find_rank(list, "https://www."), std::nullopt);
}

TEST(FindRank, PathsMustMatchAsSubstrings) {
  const auto list = items({{"", "shop.example"}, {"", "shop.example/brand/a"}});
  EXPECT_EQ(find_rank(list, "shop.example/brand"), 2);
}

}  // namespace
}  // namespace crawler::crawl
