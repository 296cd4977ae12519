#include "core/percent_encoding.h"

#include <gtest/gtest.h>

#include "core/hex.h"

namespace crawler {
namespace {

TEST(Hex, DigitsAndValues) {
  EXPECT_EQ(hex_digit(0), '0');
  EXPECT_EQ(hex_digit(10), 'a');
  EXPECT_EQ(hex_digit(15, HexCase::upper), 'F');
  EXPECT_EQ(hex_digit(0x1b), 'b');  // only the low four bits count
  for (unsigned v = 0; v < 16; ++v) {
    EXPECT_EQ(hex_value(hex_digit(v)), static_cast<int>(v));
    EXPECT_EQ(hex_value(hex_digit(v, HexCase::upper)), static_cast<int>(v));
  }
  for (char c : std::string_view("gG/:@`\x80\xff %")) EXPECT_EQ(hex_value(c), -1) << c;
}

TEST(Hex, EncodesBytesInLowerCase) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string_view("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(hex_u32(0), "00000000");
  EXPECT_EQ(hex_u32(0xabc), "00000abc");
  EXPECT_EQ(hex_u32(0xdeadbeef), "deadbeef");
}

TEST(PercentEncoding, KeepsLettersDigitsAndTheChosenMarks) {
  EXPECT_EQ(percent_encode("a-b._~c"), "a-b._~c");
  EXPECT_EQ(percent_encode("a b/c+d"), "a%20b%2Fc%2Bd");
  EXPECT_EQ(percent_encode("강남"), "%EA%B0%95%EB%82%A8");  // upper-case hex
  EXPECT_EQ(percent_encode("a/b c", "/"), "a/b%20c");
  EXPECT_EQ(percent_encode("a-b.c", ""), "a%2Db%2Ec");
  EXPECT_EQ(percent_encode(std::string_view("\0", 1)), "%00");
}

TEST(PercentEncoding, DecodesLeniently) {
  EXPECT_EQ(percent_decode("a%20b%2fc"), "a b/c");
  EXPECT_EQ(percent_decode("%EA%B0%95"), "강");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b%2B", true), "a b+");
  // A '%' without two hex digits after it stays as it is.
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%zz%41"), "%zzA");
  EXPECT_EQ(percent_decode("%%41"), "%A");
}

TEST(PercentEncoding, DecodesStrictly) {
  EXPECT_EQ(percent_decode_strict("p%40ss+word"), "p@ss+word");
  EXPECT_EQ(percent_decode_strict(""), "");
  EXPECT_EQ(percent_decode_strict("100%"), std::nullopt);
  EXPECT_EQ(percent_decode_strict("%4"), std::nullopt);
  EXPECT_EQ(percent_decode_strict("%g0"), std::nullopt);
}

TEST(PercentEncoding, RoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
  EXPECT_EQ(percent_decode_strict(percent_encode(all, "")), all);
}

}  // namespace
}  // namespace crawler
