// Unit tests for the RESP2 layer: Reply, RespParser and the command encoder.
//
// The parser is fed the same byte streams in every possible way (whole, byte by byte,
// split at every single boundary, split at every pair of boundaries) and must produce
// the same replies each time; malformed input must throw ProtocolError.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "redis/errors.h"
#include "redis/reply.h"
#include "redis/resp_encoder.h"
#include "redis/resp_parser.h"

namespace crawler::redis {
namespace {

using namespace std::string_literals;

std::vector<Reply> drain(RespParser& p) {
  std::vector<Reply> out;
  while (auto r = p.pop()) out.push_back(std::move(*r));
  return out;
}

std::vector<Reply> parse_whole(std::string_view bytes) {
  RespParser p;
  p.feed(bytes);
  return drain(p);
}

std::vector<Reply> parse_in_pieces(std::string_view bytes, const std::vector<std::size_t>& cuts) {
  RespParser p;
  std::size_t from = 0;
  std::vector<Reply> out;
  for (std::size_t cut : cuts) {
    p.feed(bytes.substr(from, cut - from));
    for (auto& r : drain(p)) out.push_back(std::move(r));
    from = cut;
  }
  p.feed(bytes.substr(from));
  for (auto& r : drain(p)) out.push_back(std::move(r));
  EXPECT_FALSE(p.mid_reply());
  return out;
}

// A stream exercising every type, nesting, nils, empties and binary payloads.
const std::string kMixedStream =
    "+OK\r\n"
    "-ERR unknown command 'FOO'\r\n"
    ":0\r\n"
    ":-42\r\n"
    ":9223372036854775807\r\n"
    "$5\r\nhello\r\n"
    "$0\r\n\r\n"
    "$-1\r\n"
    "$6\r\na\r\nb\0c\r\n"s
    "*-1\r\n"
    "*0\r\n"
    "*3\r\n:1\r\n*2\r\n$1\r\nx\r\n*1\r\n$-1\r\n-WRONGTYPE bad\r\n"
    "*2\r\n*0\r\n*1\r\n*1\r\n+deep\r\n";

std::vector<Reply> mixed_expected() {
  return {
      Reply::simple("OK"),
      Reply::error("ERR unknown command 'FOO'"),
      Reply::integer(0),
      Reply::integer(-42),
      Reply::integer(std::numeric_limits<std::int64_t>::max()),
      Reply::bulk("hello"),
      Reply::bulk(""),
      Reply::nil(),
      Reply::bulk("a\r\nb\0c"s),
      Reply::nil(),
      Reply::array({}),
      Reply::array({Reply::integer(1),
                    Reply::array({Reply::bulk("x"), Reply::array({Reply::nil()})}),
                    Reply::error("WRONGTYPE bad")}),
      Reply::array({Reply::array({}), Reply::array({Reply::array({Reply::simple("deep")})})}),
  };
}

void expect_protocol_error(std::string_view bytes, const ParserLimits& limits = {}) {
  RespParser p(limits);
  EXPECT_THROW(p.feed(bytes), ProtocolError) << "input: " << Reply::bulk(std::string(bytes));
}

// ---- Reply ----

TEST(RedisReply, TypesAndAccessors) {
  EXPECT_TRUE(Reply().is_nil());
  EXPECT_TRUE(Reply::nil().is_nil());
  EXPECT_TRUE(Reply::simple("OK").is_ok());
  EXPECT_FALSE(Reply::bulk("OK").is_ok());
  EXPECT_TRUE(Reply::simple("x").is_string());
  EXPECT_TRUE(Reply::bulk("x").is_string());
  EXPECT_EQ(Reply::bulk("x").type(), Reply::Type::bulk_string);
  EXPECT_EQ(Reply::error("ERR x").str(), "ERR x");
  EXPECT_TRUE(Reply::error("ERR x").is_error());
  EXPECT_EQ(Reply::integer(-7).integer(), -7);
  EXPECT_EQ(Reply::array({Reply::integer(1)}).elements().size(), 1u);
}

TEST(RedisReply, WrongAccessorIsALogicError) {
  EXPECT_THROW((void)Reply::nil().str(), std::logic_error);
  EXPECT_THROW((void)Reply::bulk("1").integer(), std::logic_error);
  EXPECT_THROW((void)Reply::integer(1).elements(), std::logic_error);
  EXPECT_THROW((void)Reply::array({}).str(), std::logic_error);
}

TEST(RedisReply, Equality) {
  EXPECT_EQ(Reply::bulk("a"), Reply::bulk("a"));
  EXPECT_NE(Reply::bulk("a"), Reply::simple("a"));
  EXPECT_NE(Reply::nil(), Reply::array({}));
  EXPECT_NE(Reply::array({Reply::integer(1)}), Reply::array({Reply::integer(2)}));
}

TEST(RedisReply, DebugString) {
  const Reply r = Reply::array({Reply::simple("OK"), Reply::nil(), Reply::error("ERR x"),
                                Reply::integer(42), Reply::bulk("a\0\"b"s)});
  EXPECT_EQ(r.to_debug_string(), R"([OK, (nil), (error) ERR x, 42, "a\x00\"b"])");
}

// ---- parser: valid input ----

TEST(RedisRespParser, ParsesEveryTypeInOneFeed) {
  EXPECT_EQ(parse_whole(kMixedStream), mixed_expected());
}

TEST(RedisRespParser, ByteByByte) {
  RespParser p;
  std::vector<Reply> out;
  for (char c : kMixedStream) {
    p.feed(std::string_view(&c, 1));
    for (auto& r : drain(p)) out.push_back(std::move(r));
  }
  EXPECT_EQ(out, mixed_expected());
  EXPECT_FALSE(p.mid_reply());
}

TEST(RedisRespParser, SplitAtEveryBoundary) {
  const auto expected = mixed_expected();
  for (std::size_t cut = 0; cut <= kMixedStream.size(); ++cut) {
    ASSERT_EQ(parse_in_pieces(kMixedStream, {cut}), expected) << "cut at " << cut;
  }
}

TEST(RedisRespParser, SplitAtEveryPairOfBoundaries) {
  const std::string stream =
      "*3\r\n$3\r\nfoo\r\n*2\r\n:-1\r\n$-1\r\n+OK\r\n-ERR e\r\n$2\r\n\r\n\r\n";
  const std::vector<Reply> expected = {
      Reply::array({Reply::bulk("foo"), Reply::array({Reply::integer(-1), Reply::nil()}),
                    Reply::simple("OK")}),
      Reply::error("ERR e"), Reply::bulk("\r\n")};
  for (std::size_t a = 0; a <= stream.size(); ++a) {
    for (std::size_t b = a; b <= stream.size(); ++b) {
      ASSERT_EQ(parse_in_pieces(stream, {a, b}), expected) << "cuts " << a << "," << b;
    }
  }
}

TEST(RedisRespParser, RepliesComeOutInOrderAndOnlyWhenComplete) {
  RespParser p;
  p.feed("+first\r\n*2\r\n:1\r\n");
  EXPECT_EQ(p.ready(), 1u);
  EXPECT_TRUE(p.mid_reply());
  EXPECT_EQ(p.pop(), Reply::simple("first"));
  EXPECT_EQ(p.pop(), std::nullopt);
  p.feed(":2\r\n+third\r\n");
  EXPECT_EQ(p.ready(), 2u);
  EXPECT_FALSE(p.mid_reply());
  EXPECT_EQ(p.pop(), Reply::array({Reply::integer(1), Reply::integer(2)}));
  EXPECT_EQ(p.pop(), Reply::simple("third"));
  EXPECT_EQ(p.pop(), std::nullopt);
}

TEST(RedisRespParser, IntegerExtremes) {
  EXPECT_EQ(parse_whole(":-9223372036854775808\r\n"),
            std::vector<Reply>{Reply::integer(std::numeric_limits<std::int64_t>::min())});
  EXPECT_EQ(parse_whole(":007\r\n"), std::vector<Reply>{Reply::integer(7)});
}

TEST(RedisRespParser, NilBulkAndNilArrayAreNil) {
  EXPECT_EQ(parse_whole("$-1\r\n*-1\r\n"), (std::vector<Reply>{Reply::nil(), Reply::nil()}));
}

TEST(RedisRespParser, NilInsideArray) {
  EXPECT_EQ(parse_whole("*3\r\n$-1\r\n*-1\r\n$1\r\nv\r\n"),
            std::vector<Reply>{Reply::array({Reply::nil(), Reply::nil(), Reply::bulk("v")})});
}

TEST(RedisRespParser, EmptySimpleStringAndError) {
  EXPECT_EQ(parse_whole("+\r\n-\r\n"), (std::vector<Reply>{Reply::simple(""), Reply::error("")}));
}

TEST(RedisRespParser, LargeBulkInVariousChunkSizes) {
  std::string payload(5 * 1024 * 1024 + 3, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131 % 251);
  const std::string stream =
      "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n+after\r\n";
  for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{16384}, std::size_t{4093}}) {
    RespParser p;
    std::vector<Reply> out;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
      p.feed(std::string_view(stream).substr(i, chunk));
      for (auto& r : drain(p)) out.push_back(std::move(r));
    }
    ASSERT_EQ(out.size(), 2u) << "chunk " << chunk;
    EXPECT_TRUE(out[0].type() == Reply::Type::bulk_string);
    EXPECT_TRUE(out[0].str() == payload) << "chunk " << chunk;
    EXPECT_EQ(out[1], Reply::simple("after"));
  }
}

TEST(RedisRespParser, LargeArrayTricklingIn) {
  // 100k elements arriving in small pieces: must complete (and quickly, since partial
  // arrays are never re-parsed).
  constexpr int kCount = 100000;
  std::string stream = "*" + std::to_string(kCount) + "\r\n";
  for (int i = 0; i < kCount; ++i) {
    const std::string v = std::to_string(i);
    stream += "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n";
  }
  RespParser p;
  for (std::size_t i = 0; i < stream.size(); i += 7) p.feed(std::string_view(stream).substr(i, 7));
  auto r = p.pop();
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->elements().size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(r->elements()[kCount - 1], Reply::bulk(std::to_string(kCount - 1)));
}

TEST(RedisRespParser, DeepNestingWithinLimit) {
  constexpr std::size_t kDepth = 64;
  std::string stream;
  for (std::size_t i = 0; i < kDepth; ++i) stream += "*1\r\n";
  stream += ":1\r\n";
  auto out = parse_whole(stream);
  ASSERT_EQ(out.size(), 1u);
  const Reply* r = &out[0];
  for (std::size_t i = 0; i < kDepth; ++i) r = &r->elements().at(0);
  EXPECT_EQ(*r, Reply::integer(1));
}

// ---- parser: malformed input ----

TEST(RedisRespParser, RejectsUnknownAndResp3Types) {
  for (const char* s : {"?x\r\n", "%1\r\n", "_\r\n", "#t\r\n", ",1.5\r\n", "(1\r\n", "=3\r\n",
                        "~0\r\n", ">1\r\n", "!3\r\n", "OK\r\n", " +OK\r\n"}) {
    expect_protocol_error(s);
  }
}

TEST(RedisRespParser, RejectsBadIntegers) {
  for (const char* s :
       {":\r\n", ":-\r\n", ":+1\r\n", ":1a\r\n", ": 1\r\n", ":1 \r\n", ":9223372036854775808\r\n",
        ":-9223372036854775809\r\n", ":99999999999999999999999\r\n", ":0x10\r\n"}) {
    expect_protocol_error(s);
  }
}

TEST(RedisRespParser, RejectsBadLengths) {
  for (const char* s : {"$\r\n", "$-2\r\n", "$x\r\n", "$1x\r\n", "$+1\r\n", "*-2\r\n", "*\r\n",
                        "*abc\r\n", "$99999999999999999999\r\n", "*-9223372036854775808\r\n"}) {
    expect_protocol_error(s);
  }
}

TEST(RedisRespParser, RejectsBulkWithoutTrailingCrlf) {
  expect_protocol_error("$3\r\nabcXY");
  expect_protocol_error("$3\r\nabc\n\r");
  expect_protocol_error("$3\r\nabcd\r\n");
  expect_protocol_error("$0\r\nx\r\n");
}

TEST(RedisRespParser, RejectsBareLfAndStrayCr) {
  expect_protocol_error("+OK\n");
  expect_protocol_error("\n");
  expect_protocol_error("+O\rK\r\n");
  expect_protocol_error(":1\r\r\n");
  expect_protocol_error("*1\n:1\r\n");
}

TEST(RedisRespParser, MalformedElementInsideArray) {
  expect_protocol_error("*2\r\n:1\r\n:x\r\n");
  expect_protocol_error("*2\r\n$1\r\nab\r\n");
}

TEST(RedisRespParser, ErrorDetectedWhenSplit) {
  RespParser p;
  p.feed("*2\r\n$3\r\nab");
  EXPECT_THROW(p.feed("cX\r\n"), ProtocolError);
}

TEST(RedisRespParser, PoisonedAfterError) {
  RespParser p;
  p.feed("+fine\r\n");
  EXPECT_THROW(p.feed("?bad\r\n"), ProtocolError);
  EXPECT_THROW(p.feed("+OK\r\n"), ProtocolError);
  // Replies completed before the fault are still there.
  EXPECT_EQ(p.pop(), Reply::simple("fine"));
}

TEST(RedisRespParser, LimitsTurnIntoProtocolErrors) {
  ParserLimits limits;
  limits.max_bulk_length = 10;
  limits.max_array_length = 3;
  limits.max_depth = 2;
  limits.max_line_length = 8;
  EXPECT_EQ(RespParser(limits).ready(), 0u);
  expect_protocol_error("$11\r\n", limits);
  expect_protocol_error("*4\r\n", limits);
  expect_protocol_error("*1\r\n*1\r\n*1\r\n", limits);
  expect_protocol_error("+123456789\r\n", limits);

  // At the limits, all is fine.
  RespParser p(limits);
  p.feed("$10\r\n0123456789\r\n*3\r\n*1\r\n:1\r\n:2\r\n:3\r\n+1234567\r\n");
  EXPECT_EQ(p.ready(), 3u);
}

TEST(RedisRespParser, EndlessLineRejectedWhileStreaming) {
  // A peer sending a line that never ends must not make the buffer grow without bound.
  ParserLimits limits;
  limits.max_line_length = 1000;
  RespParser p(limits);
  const std::string junk(100, 'a');
  p.feed("+");
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i) p.feed(junk);
      },
      ProtocolError);
}

TEST(RedisRespParser, HugeDeclaredArrayDoesNotPreallocate) {
  // The count is untrusted until the elements arrive; this must not allocate 2^28 slots.
  RespParser p;
  p.feed("*268435456\r\n:1\r\n");
  EXPECT_TRUE(p.mid_reply());
  EXPECT_EQ(p.ready(), 0u);
}

// ---- encoder ----

TEST(RedisRespEncoder, EncodesArrayOfBulkStrings) {
  EXPECT_EQ(encode_command({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  EXPECT_EQ(encode_command({"PING"}), "*1\r\n$4\r\nPING\r\n");
}

TEST(RedisRespEncoder, EmptyAndBinaryArguments) {
  const std::string bin = "a\r\nb\0c"s;
  EXPECT_EQ(encode_command({"SET", "", bin}), "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$6\r\n" + bin + "\r\n");
}

TEST(RedisRespEncoder, SpanOfStringsAndAppend) {
  const std::vector<std::string> a = {"GET", "key"};
  const std::vector<std::string_view> b = {"DEL", "x", "y"};
  std::string out;
  append_command(out, a);
  append_command(out, b);
  EXPECT_EQ(out, "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n*3\r\n$3\r\nDEL\r\n$1\r\nx\r\n$1\r\ny\r\n");
  EXPECT_EQ(encode_command(a), "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
  EXPECT_EQ(encode_command(b), "*3\r\n$3\r\nDEL\r\n$1\r\nx\r\n$1\r\ny\r\n");
}

TEST(RedisRespEncoder, RoundTripsThroughTheParser) {
  // What we send is valid RESP: parsing it gives back the arguments as bulk strings.
  const std::string big(100000, 'z');
  const std::vector<std::string> args = {"EVAL", "return 1", "0", "\r\n", ""s, "\0"s, big};
  RespParser p;
  p.feed(encode_command(args));
  std::vector<Reply> expected;
  for (const auto& a : args) expected.push_back(Reply::bulk(a));
  EXPECT_EQ(p.pop(), Reply::array(expected));
}

}  // namespace
}  // namespace crawler::redis
