#include "core/ascii.h"

#include <gtest/gtest.h>

#include <cctype>

namespace crawler {
namespace {

TEST(Ascii, ChangesTheCaseOfAsciiLettersOnly) {
  EXPECT_EQ(ascii_lower("Content-Type: GET 42"), "content-type: get 42");
  EXPECT_EQ(ascii_upper("ad, Organic_1"), "AD, ORGANIC_1");
  // UTF-8 bytes (>= 0x80, negative as char) pass through untouched, in both directions.
  EXPECT_EQ(ascii_lower("강남 MATJIP"), "강남 matjip");
  EXPECT_EQ(ascii_upper("Ä é"), "Ä é");
  for (int b = 0x80; b <= 0xFF; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(ascii_to_lower(c), c);
    EXPECT_EQ(ascii_to_upper(c), c);
    EXPECT_FALSE(is_ascii_alnum(c) || is_ascii_space(c));
  }
  EXPECT_EQ(ascii_to_lower('@'), '@');  // the neighbours of 'A' and 'Z'
  EXPECT_EQ(ascii_to_lower('['), '[');
  EXPECT_EQ(ascii_to_upper('`'), '`');
  EXPECT_EQ(ascii_to_upper('{'), '{');
}

TEST(Ascii, ClassifiesLikeTheCLocale) {
  for (int b = 0; b < 0x80; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(is_ascii_alpha(c), std::isalpha(b) != 0) << b;
    EXPECT_EQ(is_ascii_digit(c), std::isdigit(b) != 0) << b;
    EXPECT_EQ(is_ascii_alnum(c), std::isalnum(b) != 0) << b;
    EXPECT_EQ(is_ascii_space(c), std::isspace(b) != 0) << b;
    EXPECT_EQ(ascii_to_lower(c), static_cast<char>(std::tolower(b))) << b;
    EXPECT_EQ(ascii_to_upper(c), static_cast<char>(std::toupper(b))) << b;
  }
}

TEST(Ascii, ComparesIgnoringCase) {
  EXPECT_TRUE(ascii_iequals("Retry-After", "retry-after"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("retry-after", "retry-afte"));
  EXPECT_FALSE(ascii_iequals("Ä", "ä"));  // not ASCII: compared as bytes
  EXPECT_TRUE(ascii_istarts_with("REDISS://host", "rediss://"));
  EXPECT_TRUE(ascii_istarts_with("x", ""));
  EXPECT_FALSE(ascii_istarts_with("redis", "redis://"));
  EXPECT_FALSE(ascii_istarts_with("redis://", "rediss://"));
}

TEST(Ascii, TrimsAsciiSpace) {
  EXPECT_EQ(ascii_trim(" \t\r\n\v\f a b \n"), "a b");
  EXPECT_EQ(ascii_trim("   "), "");
  EXPECT_EQ(ascii_trim(""), "");
  EXPECT_EQ(ascii_trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // U+00A0 is not ASCII space
}

TEST(Ascii, AllDigits) {
  EXPECT_TRUE(all_ascii_digits("0123456789"));
  EXPECT_FALSE(all_ascii_digits(""));
  EXPECT_FALSE(all_ascii_digits("-1"));
  EXPECT_FALSE(all_ascii_digits("1 "));
  EXPECT_FALSE(all_ascii_digits("١"));  // an Arabic-Indic digit
}

}  // namespace
}  // namespace crawler
