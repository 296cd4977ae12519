// Profile selectors (crawl/selector.h): the supported CSS subset parses into the expected
// steps and renders as the expected XPath, unsupported syntax is refused, XPath is told from
// CSS and checked, and the results select the right nodes when evaluated by extract().
#include <gtest/gtest.h>

#include <stdexcept>

#include "crawl/extract.h"
#include "crawl/profile.h"
#include "crawl/selector.h"

namespace crawler::crawl {
namespace {

const std::string kClass = "[contains(concat(' ', normalize-space(@class), ' '), ' ";

std::string css_to_xpath(std::string_view css, SelectorScope scope) {
  return to_xpath(parse_css(css), scope);
}
constexpr auto kDocument = SelectorScope::document;
constexpr auto kItem = SelectorScope::item;

TEST(CssSelector, ParsesIntoSteps) {
  const auto one = parse_css("UL.lst_total  >  li.bx.list_item#top#top");
  EXPECT_EQ(one.syntax, Selector::Syntax::css);
  EXPECT_EQ(one.text, "UL.lst_total  >  li.bx.list_item#top#top");
  ASSERT_EQ(one.chains.size(), 1u);
  const auto& steps = one.chains[0];
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_FALSE(steps[0].child);
  EXPECT_EQ(steps[0].tag, "ul");
  EXPECT_EQ(steps[0].classes, std::vector<std::string>{"lst_total"});
  EXPECT_TRUE(steps[0].ids.empty());
  EXPECT_TRUE(steps[1].child);
  EXPECT_EQ(steps[1].tag, "li");
  EXPECT_EQ(steps[1].classes, (std::vector<std::string>{"bx", "list_item"}));
  EXPECT_EQ(steps[1].ids, (std::vector<std::string>{"top", "top"}));

  const auto list = parse_css("*, .tit_area .tit,#x");
  ASSERT_EQ(list.chains.size(), 3u);
  EXPECT_EQ(list.chains[0].size(), 1u);
  EXPECT_EQ(list.chains[0][0].tag, "");
  ASSERT_EQ(list.chains[1].size(), 2u);
  EXPECT_FALSE(list.chains[1][1].child);
  EXPECT_EQ(list.chains[1][1].tag, "");
  EXPECT_EQ(list.chains[1][1].classes, std::vector<std::string>{"tit"});
  EXPECT_EQ(list.chains[2][0].ids, std::vector<std::string>{"x"});
  EXPECT_EQ(parse_css(".클래스").chains[0][0].classes, std::vector<std::string>{"클래스"});
}

TEST(CssToXPath, TypeClassIdAndCompounds) {
  EXPECT_EQ(css_to_xpath("li", kDocument), "//li");
  EXPECT_EQ(css_to_xpath("LI", kDocument), "//li");
  EXPECT_EQ(css_to_xpath("*", kDocument), "//*");
  EXPECT_EQ(css_to_xpath(".tit", kItem), ".//*" + kClass + "tit ')]");
  EXPECT_EQ(css_to_xpath("#main", kDocument), "//*[@id='main']");
  EXPECT_EQ(css_to_xpath("li.list_item", kDocument), "//li" + kClass + "list_item ')]");
  EXPECT_EQ(css_to_xpath("a.b.c#d", kDocument),
            "//a" + kClass + "b ')]" + kClass + "c ')][@id='d']");
}

TEST(CssToXPath, Combinators) {
  EXPECT_EQ(css_to_xpath(".tit_area .tit", kItem),
            ".//*" + kClass + "tit_area ')]//*" + kClass + "tit ')]");
  EXPECT_EQ(css_to_xpath("ul > li", kDocument), "//ul/li");
  EXPECT_EQ(css_to_xpath("ul>li", kDocument), "//ul/li");
  EXPECT_EQ(css_to_xpath("  div   span  ", kDocument), "//div//span");
  EXPECT_EQ(css_to_xpath("a, b", kDocument), "//a | //b");
}

TEST(CssToXPath, RefusesWhatItDoesNotSupport) {
  for (const char* css : {"", "   ", "a[href]", "li:first-child", "a + b", "a ~ b", "> a", "a >",
                          "a > > b", ".", "#", "a..b", "a,", "div:not(.x)", "a|b", "a'b"}) {
    EXPECT_THROW(parse_css(css), std::invalid_argument) << css;
  }
}

TEST(CssToXPath, TellsXPathFromCss) {
  EXPECT_TRUE(looks_like_xpath("//li"));
  EXPECT_TRUE(looks_like_xpath(".//span"));
  EXPECT_TRUE(looks_like_xpath("./a"));
  EXPECT_TRUE(looks_like_xpath("."));
  EXPECT_TRUE(looks_like_xpath("(//li)[1]"));
  EXPECT_FALSE(looks_like_xpath(".tit"));
  EXPECT_FALSE(looks_like_xpath("li.list_item"));
  EXPECT_FALSE(looks_like_xpath("#id"));
}

TEST(CssToXPath, ClassMatchIsByWholeName) {
  Profile p{.name = "t",
            .rank_type = "AD",
            .url_template = "http://x/?q={query}",
            .items = parse_selector("li.item"),
            .title = parse_selector(".tit"),
            .display_url = parse_selector("ul > li > .u")};
  const auto result = extract(
      "<ul><li class='item_x'><b class='tit'>no</b></li>"
      "<li class='  a   item\tb '><b class='tit_area'>x</b><b class='tit'>yes</b></li></ul>",
      p);
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(result.items[0].title, "yes");
}

TEST(ProfileSelectors, InvalidXPathIsRefused) {
  EXPECT_THROW(parse_selector("//li["), std::invalid_argument);
  EXPECT_THROW(parse_selector("li:hover"), std::invalid_argument);
  const auto xpath = parse_selector("//li[@data-x]");
  EXPECT_EQ(xpath.syntax, Selector::Syntax::xpath);
  EXPECT_TRUE(xpath.chains.empty());
  EXPECT_EQ(to_xpath(xpath, kDocument), "//li[@data-x]");
  EXPECT_EQ(to_xpath(xpath, kItem), "//li[@data-x]");  // XPath says its own context
  EXPECT_EQ(parse_selector("li.x").syntax, Selector::Syntax::css);
}

}  // namespace
}  // namespace crawler::crawl
