#include "core/utf8.h"

#include <gtest/gtest.h>

using crawler::is_clean_utf8;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_clean_utf8(""));
  EXPECT_TRUE(is_clean_utf8("plain ascii"));
  EXPECT_TRUE(is_clean_utf8("강남 맛집"));
  EXPECT_TRUE(is_clean_utf8("\xF0\x9F\x98\x80"));  // emoji, 4 bytes
}

TEST(Utf8, RejectsMalformedSequencesAndNul) {
  EXPECT_FALSE(is_clean_utf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_clean_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_clean_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(is_clean_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_clean_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_clean_utf8("\xEA\xB0"));          // truncated
  EXPECT_FALSE(is_clean_utf8("\xFF"));
  EXPECT_FALSE(is_clean_utf8("\x80"));
}
