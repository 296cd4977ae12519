// Extraction (crawl/extract.h) on fixture HTML: both default profiles, page order, whitespace
// and entities, malformed markup, non-UTF-8 bytes, and hostile input (huge, deeply nested,
// binary garbage) that must neither crash nor blow the limits.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crawl/extract.h"
#include "crawl/profile.h"
#include "crawl/rank.h"
#include "crawl/selector.h"

namespace crawler::crawl {
namespace {

Profile profile(std::string_view rank_type) {
  static const auto profiles = default_profiles();
  const Profile* p = find_profile(profiles, rank_type);
  EXPECT_NE(p, nullptr);
  return *p;
}

const char* kAdPage = R"(<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<ul class="ad_banner"><li class="list_item_banner"><span class="tit">decoy</span></li></ul>
<ul class="lst_type">
 <li class="list_item"><div class="tit_area"><a><span class="tit">
     신발   최저가&nbsp;특가 &amp; 무료배송 </span></a></div>
     <a class="url_link">www.shop-1.example</a></li>
 <li class="list_item"><div class="tit_area"><span class="tit">두 번째 <b>광고</b></span></div>
     <a class="url_link">https://shop-2.example/store</a></li>
 <li class="list_item"><div class="tit_area"><span class="tit">세 번째</span></div></li>
</ul></body></html>)";

TEST(Extract, AdProfileItemsInOrder) {
  const auto result = extract(kAdPage, profile("AD"));
  ASSERT_EQ(result.items.size(), 3u);
  EXPECT_EQ(result.items[0].title, "신발 최저가 특가 & 무료배송");
  EXPECT_EQ(result.items[0].display_url, "www.shop-1.example");
  EXPECT_EQ(result.items[1].title, "두 번째 광고");
  EXPECT_EQ(result.items[1].display_url, "https://shop-2.example/store");
  EXPECT_EQ(result.items[2].display_url, "");
  EXPECT_FALSE(result.truncated);
  EXPECT_EQ(find_rank(result.items, "shop-2.example"), 2);
}

TEST(Extract, OrganicProfileSkipsBoxesOutsideTheResultList) {
  const char* page = R"(<html><body>
  <ul class="lst_total">
    <li class="bx"><span class="source_txt">blog.example</span><a class="total_tit">첫째</a></li>
    <li class="bx"><span class="source_txt">www.shop-9.example</span><a class="total_tit">둘째</a></li>
  </ul>
  <ul class="lst_related"><li class="bx"><a class="total_tit">shop-1.example</a></li></ul>
  </body></html>)";
  const auto result = extract(page, profile("ORGANIC"));
  ASSERT_EQ(result.items.size(), 2u);
  EXPECT_EQ(result.items[1].title, "둘째");
  EXPECT_EQ(find_rank(result.items, "shop-9.example"), 2);
  EXPECT_EQ(find_rank(result.items, "shop-1.example"), std::nullopt);
}

TEST(Extract, MalformedMarkupIsRecovered) {
  // Unclosed <li>s (the next one closes the previous), stray end tags, unquoted attributes,
  // a mismatched </div>, no </ul> and nothing closed at the end.
  const char* page =
      "<html><body><ul><li class=list_item><div class='tit_area'>"
      "<span class=tit>하나</span></div></b></i><a class=url_link>a.example</a>"
      "<li class='list_item'><div class='tit_area'><span class='tit'>둘</div>"
      "<a class='url_link'>x.example";
  const auto result = extract(page, profile("AD"));
  ASSERT_EQ(result.items.size(), 2u);
  EXPECT_EQ(result.items[0].title, "하나");
  EXPECT_EQ(result.items[0].display_url, "a.example");
  EXPECT_EQ(result.items[1].title, "둘");
  EXPECT_EQ(result.items[1].display_url, "x.example");
}

TEST(Extract, ItemsNestedByBrokenMarkupStillCountInDocumentOrder) {
  // An <li> opened inside an unclosed <span> is nested by libxml2 (browsers would close the
  // first <li>): both are still items, in document order, and nothing crashes.
  const char* page =
      "<ul><li class=list_item><div class='tit_area'><span class='tit'>하나"
      "<li class='list_item'><div class='tit_area'><span class='tit'>둘";
  const auto result = extract(page, profile("AD"));
  ASSERT_EQ(result.items.size(), 2u);
  EXPECT_EQ(result.items[1].title, "둘");
}

TEST(Extract, EmptyAndNonHtmlInputsGiveNoItems) {
  for (const char* page : {"", " ", "{\"json\": true}", "<html></html>", "\x00\x01\x02", "<<<<>>>>",
                           "<?xml version='1.0'?><a/>"}) {
    EXPECT_TRUE(extract(page, profile("AD")).items.empty()) << page;
  }
}

TEST(Extract, InvalidUtf8DoesNotCrash) {
  std::string page = "<ul><li class='list_item'><span class='tit_area'><b class='tit'>";
  page += "\xff\xfe\xc3\x28 \xe2\x82 ok";
  page += "</b></span></li></ul>";
  const auto result = extract(page, profile("AD"));
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_NE(result.items[0].title.find("ok"), std::string::npos);
}

TEST(Extract, RandomGarbageDoesNotCrash) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::string page;
    const char* pieces[] = {"<li class='list_item'>",
                            "<span class='tit'>",
                            "</span>",
                            "<div",
                            ">",
                            "<",
                            "&",
                            "&#",
                            "\"",
                            "'",
                            "<!--",
                            "-->",
                            "<script>",
                            "</li>",
                            "<![CDATA[",
                            "텍스트",
                            "\xff",
                            "\0"};
    for (int i = 0; i < 400; ++i) page += pieces[rng() % std::size(pieces)];
    const auto result = extract(page, profile("AD"));
    EXPECT_LE(result.items.size(), 400u);
  }
}

TEST(Extract, DeepNestingDoesNotCrash) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  page += "<li class='list_item'><div class='tit_area'><span class='tit'>deep</span></div></li>";
  const auto result = extract(page, profile("AD"));
  EXPECT_LE(result.items.size(), 1u);
}

TEST(Extract, LimitsOnInputItemsAndText) {
  std::string page = "<ul>";
  for (int i = 0; i < 50; ++i)
    page += "<li class='list_item'><div class='tit_area'><span class='tit'>" +
            std::string(100, 'a') + "한" + "</span></div></li>";
  page += "</ul>";
  ExtractLimits limits;
  limits.max_items = 10;
  limits.max_text_bytes = 101;  // 100 ASCII + a 3-byte character: cut before the character
  auto result = extract(page, profile("AD"), limits);
  EXPECT_EQ(result.items.size(), 10u);
  EXPECT_TRUE(result.truncated);
  EXPECT_EQ(result.items[0].title, std::string(100, 'a'));

  limits = ExtractLimits{};
  limits.max_input_bytes = page.size() / 2;
  result = extract(page, profile("AD"), limits);
  EXPECT_TRUE(result.truncated);
  EXPECT_GT(result.items.size(), 0u);
  EXPECT_LT(result.items.size(), 50u);
}

TEST(Extract, HugePageWithinDefaultLimits) {
  std::string page = "<html><body>";
  while (page.size() < 6 * 1024 * 1024) page += "<p>filler 텍스트 filler</p>";
  page +=
      "<ul><li class='list_item'><div class='tit_area'><span class='tit'>end</span></div>"
      "<a class='url_link'>end.example</a></li></ul></body></html>";
  const auto result = extract(page, profile("AD"));
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(result.items[0].display_url, "end.example");
}

// CSS selectors are matched by a tree walk, XPath ones by libxml2's XPath engine. The same
// selectors rendered as XPath (to_xpath) are evaluated by libxml2: both must select the same
// items, titles and urls on every page.
Profile through_libxml2_xpath(Profile p) {
  p.items = parse_selector(to_xpath(p.items, SelectorScope::document));
  p.title = parse_selector(to_xpath(p.title, SelectorScope::item));
  p.display_url = parse_selector(to_xpath(p.display_url, SelectorScope::item));
  for (const Selector* s : {&p.items, &p.title, &p.display_url})
    EXPECT_EQ(s->syntax, Selector::Syntax::xpath) << s->text;
  return p;
}

void expect_same(const Extraction& a, const Extraction& b, const std::string& page) {
  ASSERT_EQ(a.items.size(), b.items.size()) << page;
  EXPECT_EQ(a.truncated, b.truncated) << page;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].title, b.items[i].title) << page;
    EXPECT_EQ(a.items[i].display_url, b.items[i].display_url) << page;
  }
}

TEST(Extract, TreeWalkSelectsWhatLibxml2XPathSelects) {
  const std::vector<Profile> profiles = {
      profile("AD"), profile("ORGANIC"),
      Profile{.name = "t",
              .rank_type = "AD",
              .url_template = "http://x/?q={query}",
              .items = parse_selector("div > li.list_item#x, ul li.bx.list_item"),
              .title = parse_selector("div > .tit, li .tit_area > *"),
              .display_url = parse_selector("* .url_link a, #x")},
      Profile{.name = "deep",
              .rank_type = "AD",
              .url_template = "http://x/?q={query}",
              .items = parse_selector("ul li div > li, ul > li .list_item"),
              .title = parse_selector("div > span.tit, li .tit_area .tit"),
              .display_url = parse_selector("//ul//a")}};
  std::vector<std::string> pages = {kAdPage};
  std::mt19937 rng(7);
  const char* pieces[] = {"<li class='list_item'>",
                          "<li class=\"bx list_item\" id=x>",
                          "<li class='list_item_banner'>",
                          "<ul class='lst_total'>",
                          "<ul class=' lst_total\tother '>",
                          "<div class='tit_area'>",
                          "<div class='TIT_AREA'>",
                          "<div class='tit_area\ftit'>",
                          "<span class='tit'>",
                          "<span class='tit\n tit'>",
                          "<a class='url_link'>",
                          "<a class='total_tit'>",
                          "<b class='source_txt' id='x'>",
                          "<div id=x class=url_link>",
                          "<DIV>",
                          "</span>",
                          "</div>",
                          "</li>",
                          "</ul>",
                          "</a>",
                          "<p>",
                          "<table><tr><td>",
                          "<script>var a = '<li class=list_item>';</script>",
                          "<!-- <span class='tit'>x</span> -->",
                          "텍스트 ",
                          "shop-1.example",
                          " &amp; &nbsp; ",
                          "\t\n",
                          "<",
                          "'"};
  for (int round = 0; round < 400; ++round) {
    std::string page;
    const int n = 5 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) page += pieces[rng() % std::size(pieces)];
    pages.push_back(std::move(page));
  }
  for (const auto& p : profiles) {
    const Profile reference = through_libxml2_xpath(p);
    std::size_t items = 0, titles = 0;
    for (const auto& page : pages) {
      const auto result = extract(page, p);
      expect_same(result, extract(page, reference), page);
      items += result.items.size();
      for (const auto& item : result.items) titles += !item.title.empty();
    }
    EXPECT_GT(items, 100u) << p.name;  // the pages exercise the selectors, not only misses
    EXPECT_GT(titles, 5u) << p.name;
  }
}

}  // namespace
}  // namespace crawler::crawl
