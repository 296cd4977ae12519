// CSS → XPath translation (crawl/css_xpath.h) and profile selector handling: the supported
// subset translates to the expected XPath, unsupported syntax is refused, and the results
// select the right nodes when evaluated by extract().
#include <gtest/gtest.h>

#include <stdexcept>

#include "crawl/css_xpath.h"
#include "crawl/extract.h"
#include "crawl/profile.h"

namespace crawler::crawl {
namespace {

const std::string kClass = "[contains(concat(' ', normalize-space(@class), ' '), ' ";

TEST(CssToXPath, TypeClassIdAndCompounds) {
  EXPECT_EQ(css_to_xpath("li", XPathScope::document), "//li");
  EXPECT_EQ(css_to_xpath("LI", XPathScope::document), "//li");
  EXPECT_EQ(css_to_xpath("*", XPathScope::document), "//*");
  EXPECT_EQ(css_to_xpath(".tit", XPathScope::relative), ".//*" + kClass + "tit ')]");
  EXPECT_EQ(css_to_xpath("#main", XPathScope::document), "//*[@id='main']");
  EXPECT_EQ(css_to_xpath("li.list_item", XPathScope::document), "//li" + kClass + "list_item ')]");
  EXPECT_EQ(css_to_xpath("a.b.c#d", XPathScope::document),
            "//a" + kClass + "b ')]" + kClass + "c ')][@id='d']");
}

TEST(CssToXPath, Combinators) {
  EXPECT_EQ(css_to_xpath(".tit_area .tit", XPathScope::relative),
            ".//*" + kClass + "tit_area ')]//*" + kClass + "tit ')]");
  EXPECT_EQ(css_to_xpath("ul > li", XPathScope::document), "//ul/li");
  EXPECT_EQ(css_to_xpath("ul>li", XPathScope::document), "//ul/li");
  EXPECT_EQ(css_to_xpath("  div   span  ", XPathScope::document), "//div//span");
  EXPECT_EQ(css_to_xpath("a, b", XPathScope::document), "//a | //b");
}

TEST(CssToXPath, RefusesWhatItDoesNotSupport) {
  for (const char* css : {"", "   ", "a[href]", "li:first-child", "a + b", "a ~ b", "> a", "a >",
                          "a > > b", ".", "#", "a..b", "a,", "div:not(.x)", "a|b", "a'b"}) {
    EXPECT_THROW(css_to_xpath(css, XPathScope::document), std::invalid_argument) << css;
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
            .item_xpath = selector_to_xpath("li.item", false),
            .title_xpath = selector_to_xpath(".tit", true),
            .display_url_xpath = selector_to_xpath("ul > li > .u", true)};
  const auto result = extract(
      "<ul><li class='item_x'><b class='tit'>no</b></li>"
      "<li class='  a   item\tb '><b class='tit_area'>x</b><b class='tit'>yes</b></li></ul>",
      p);
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(result.items[0].title, "yes");
}

TEST(ProfileSelectors, InvalidXPathIsRefused) {
  EXPECT_THROW(selector_to_xpath("//li[", false), std::invalid_argument);
  EXPECT_THROW(selector_to_xpath("li:hover", false), std::invalid_argument);
  EXPECT_EQ(selector_to_xpath("//li[@data-x]", false), "//li[@data-x]");
}

}  // namespace
}  // namespace crawler::crawl
