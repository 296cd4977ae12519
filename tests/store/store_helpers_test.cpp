// Pure helpers of the store: LIKE escaping, text[] literals, bulk row status bookkeeping.
#include <gtest/gtest.h>

#include "store/bulk_status.h"
#include "store/errors.h"
#include "store/like.h"
#include "store/postgres/text_array.h"

namespace crawler::store {
namespace {

TEST(StoreLike, EscapesWildcardsAndTheEscapeCharacter) {
  EXPECT_EQ(escape_like("plain 한글"), "plain 한글");
  EXPECT_EQ(escape_like("100%"), "100\\%");
  EXPECT_EQ(escape_like("a_b"), "a\\_b");
  EXPECT_EQ(escape_like("c:\\dir"), "c:\\\\dir");
  EXPECT_EQ(escape_like("'\""), "'\"");  // quotes are the parameter binding's business
  EXPECT_EQ(contains_pattern("x%"), "%x\\%%");
  EXPECT_EQ(contains_pattern(""), "%%");
}

TEST(StoreTextArray, EncodesEveryElementQuoted) {
  using postgres::encode_text_array;
  EXPECT_EQ(encode_text_array({}), "{}");
  EXPECT_EQ(encode_text_array({"a"}), "{\"a\"}");
  EXPECT_EQ(encode_text_array({"a,b", "q\"", "b\\", ""}), "{\"a,b\",\"q\\\"\",\"b\\\\\",\"\"}");
}

TEST(StoreTextArray, DecodesWhatTheServerPrints) {
  using postgres::decode_text_array;
  using V = std::vector<std::string>;
  EXPECT_EQ(decode_text_array("{}"), V{});
  EXPECT_EQ(decode_text_array("{a,b}"), (V{"a", "b"}));
  EXPECT_EQ(decode_text_array("{\"a,b\",\"q\\\"\",\"b\\\\\",\"\",한글}"),
            (V{"a,b", "q\"", "b\\", "", "한글"}));
  EXPECT_EQ(decode_text_array("{\"NULL\",NULL}"), (V{"NULL", ""}));
  for (auto bad : {"", "{", "a,b", "{\"a}", "{a,}", "{{a}}", "{\"a\"b}"})
    EXPECT_THROW(decode_text_array(bad), Error) << bad;
}

TEST(StoreTextArray, RoundTrips) {
  std::vector<std::string> v{"x", " y ", "{z}", "NULL", "\\\"", "쉼표,"};
  EXPECT_EQ(postgres::decode_text_array(postgres::encode_text_array(v)), v);
}

TEST(StoreBulkStatus, NamesParseBack) {
  for (auto s :
       {BulkKeywordStatus::pending, BulkKeywordStatus::processing, BulkKeywordStatus::completed,
        BulkKeywordStatus::cached, BulkKeywordStatus::failed})
    EXPECT_EQ(parse_bulk_keyword_status(to_string(s)), s);
  EXPECT_EQ(parse_bulk_keyword_status("Pending"), std::nullopt);
  EXPECT_EQ(parse_bulk_keyword_status(""), std::nullopt);
}

TEST(StoreBulkStatus, TransitionsAndTheirCountDeltas) {
  using S = BulkKeywordStatus;
  EXPECT_TRUE(can_transition(S::pending, S::processing));
  EXPECT_TRUE(can_transition(S::processing, S::completed));
  EXPECT_TRUE(can_transition(S::failed, S::processing));
  EXPECT_FALSE(can_transition(S::completed, S::failed));
  EXPECT_FALSE(can_transition(S::cached, S::completed));
  EXPECT_FALSE(can_transition(S::pending, S::pending));
  EXPECT_FALSE(can_transition(S::pending, S::cached));

  auto d = count_delta(S::pending, S::completed);
  EXPECT_EQ(d.pending, -1);
  EXPECT_EQ(d.completed, 1);
  d = count_delta(S::pending, S::processing);
  EXPECT_EQ(d.pending, 0);
  EXPECT_EQ(d.completed, 0);
  d = count_delta(S::processing, S::failed);
  EXPECT_EQ(d.pending, -1);
  EXPECT_EQ(d.completed, 0);
  d = count_delta(S::failed, S::completed);
  EXPECT_EQ(d.pending, 0);
  EXPECT_EQ(d.completed, 1);
  d = count_delta(S::failed, S::processing);
  EXPECT_EQ(d.pending, 1);
}

}  // namespace
}  // namespace crawler::store
