#include "core/target_url.h"

#include <gtest/gtest.h>

using crawler::normalize_target_url;

TEST(TargetUrl, RemovesSchemeAndLeadingWww) {
  EXPECT_EQ(normalize_target_url("https://www.example.com/a?b=1").value, "example.com/a?b=1");
  EXPECT_EQ(normalize_target_url("http://shop.example.co.kr").value, "shop.example.co.kr");
  EXPECT_EQ(normalize_target_url("WWW.Example.com").value, "Example.com");
  EXPECT_EQ(normalize_target_url("  example.com  ").value, "example.com");
  EXPECT_EQ(normalize_target_url("HTTPS://example.com").value, "example.com");
  EXPECT_EQ(normalize_target_url("localhost:8080/x").value, "localhost:8080/x");
  EXPECT_EQ(normalize_target_url("네이버.com").value, "네이버.com");
}

TEST(TargetUrl, RefusesOtherSchemesAndJunk) {
  EXPECT_NE(normalize_target_url("ftp://example.com").error, "");
  EXPECT_NE(normalize_target_url("javascript:alert(1)").error, "");
  EXPECT_NE(normalize_target_url("mailto:a@b.c").error, "");
  EXPECT_NE(normalize_target_url("").error, "");
  EXPECT_NE(normalize_target_url("https://").error, "");
  EXPECT_NE(normalize_target_url("a\nb").error, "");
  EXPECT_NE(normalize_target_url(std::string(3000, 'a')).error, "");
}
