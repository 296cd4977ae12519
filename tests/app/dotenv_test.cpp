#include "app/dotenv.h"

#include <gtest/gtest.h>

using crawler::app::parse_dotenv;

TEST(Dotenv, CommentsQuotesAndExport) {
  auto env = parse_dotenv(
      "# comment\n"
      "\n"
      "PORT=3000\n"
      "export REDIS_URL=redis://h:6379  # trailing comment\n"
      "SCHEDULER_CRON=\"*/5 * * * *\"\n"
      "PROXY_PASS='p#ss word'\n"
      "MULTI=\"a\\nb\"\n"
      "EMPTY=\n");
  EXPECT_EQ(env["PORT"], "3000");
  EXPECT_EQ(env["REDIS_URL"], "redis://h:6379");
  EXPECT_EQ(env["SCHEDULER_CRON"], "*/5 * * * *");
  EXPECT_EQ(env["PROXY_PASS"], "p#ss word");
  EXPECT_EQ(env["MULTI"], "a\nb");
  EXPECT_EQ(env["EMPTY"], "");
}

TEST(Dotenv, MalformedLinesNameTheLine) {
  try {
    parse_dotenv("A=1\nthis is not an assignment\n");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
  EXPECT_THROW(parse_dotenv("A=\"unterminated\n"), std::invalid_argument);
  EXPECT_THROW(parse_dotenv("1A=x\n"), std::invalid_argument);
}
