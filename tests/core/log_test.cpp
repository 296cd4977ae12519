#include "core/log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace crawler::log;

TEST(Log, JsonLineIsValidJsonWithAllFields) {
  std::string line =
      render(Format::json, "2026-01-01T00:00:00.000Z", Level::warn, "worker", "crawl \"failed\"\n",
             {{"keyword", "강남 맛집"}, {"jobId", 42}, {"ok", false}, {"ms", 1.5}});
  auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v["time"].as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(v["level"].as_string(), "warn");
  EXPECT_EQ(v["role"].as_string(), "worker");
  EXPECT_EQ(v["msg"].as_string(), "crawl \"failed\"\n");
  EXPECT_EQ(v["keyword"].as_string(), "강남 맛집");
  EXPECT_EQ(v["jobId"].as_int64(), 42);
  EXPECT_EQ(v["ok"].as_bool(), false);
  EXPECT_DOUBLE_EQ(v["ms"].as_double(), 1.5);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one object per line";
}

TEST(Log, TextLineForHumans) {
  EXPECT_EQ(render(Format::text, "T", Level::info, "api", "listening", {{"port", 3000}}),
            "T info  [api] listening port=3000");
}

TEST(Log, LevelAndFormatParsing) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_level("warning"), Level::warn);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("xml"), std::nullopt);
}

TEST(Log, LevelFilter) {
  configure(Level::warn, Format::json);
  Logger l("t");
  EXPECT_FALSE(l.enabled(Level::info));
  EXPECT_TRUE(l.enabled(Level::error));
  configure(Level::info, Format::json);
}
