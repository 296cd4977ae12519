// Unit tests for redis::parse_url and Endpoint::redacted(): the accepted grammar, the
// defaults, the error messages (which must name the faulty part) and, above all, that no
// password ever shows up in redacted() or in an error message.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "redis/url.h"

namespace crawler::redis {
namespace {

// The message of the invalid_argument parse_url throws ("" if it does not throw).
std::string error_of(std::string_view url) {
  try {
    (void)parse_url(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(RedisUrl, DefaultsPortAndDb) {
  const Endpoint ep = parse_url("redis://localhost");
  EXPECT_FALSE(ep.tls);
  EXPECT_EQ(ep.host, "localhost");
  EXPECT_EQ(ep.port, 6379);
  EXPECT_EQ(ep.db, 0);
  EXPECT_EQ(ep.user, "");
  EXPECT_EQ(ep.password, "");
}

TEST(RedisUrl, HostPortDb) {
  const Endpoint ep = parse_url("redis://cache.internal:6380/3");
  EXPECT_EQ(ep.host, "cache.internal");
  EXPECT_EQ(ep.port, 6380);
  EXPECT_EQ(ep.db, 3);
}

TEST(RedisUrl, TrailingSlashMeansDbZero) { EXPECT_EQ(parse_url("redis://h/").db, 0); }

TEST(RedisUrl, TlsScheme) {
  const Endpoint ep = parse_url("rediss://master.abc.cache.amazonaws.com:6379");
  EXPECT_TRUE(ep.tls);
  EXPECT_EQ(ep.host, "master.abc.cache.amazonaws.com");
}

TEST(RedisUrl, SchemeIsCaseInsensitive) {
  EXPECT_FALSE(parse_url("REDIS://h").tls);
  EXPECT_TRUE(parse_url("Rediss://h").tls);
}

TEST(RedisUrl, PasswordOnly) {
  const Endpoint ep = parse_url("redis://:s3cret@h:1");
  EXPECT_EQ(ep.user, "");
  EXPECT_EQ(ep.password, "s3cret");
}

TEST(RedisUrl, UserAndPassword) {
  const Endpoint ep = parse_url("rediss://crawler:s3cret@h:6390/2");
  EXPECT_EQ(ep.user, "crawler");
  EXPECT_EQ(ep.password, "s3cret");
  EXPECT_EQ(ep.port, 6390);
  EXPECT_EQ(ep.db, 2);
}

TEST(RedisUrl, UserInfoWithoutColonIsAPassword) {
  // As redis-cli reads it; reading it as a user name would print the secret in logs.
  const Endpoint ep = parse_url("redis://s3cret@h");
  EXPECT_EQ(ep.user, "");
  EXPECT_EQ(ep.password, "s3cret");
}

TEST(RedisUrl, UserWithEmptyPassword) {
  const Endpoint ep = parse_url("redis://alice:@h");
  EXPECT_EQ(ep.user, "alice");
  EXPECT_EQ(ep.password, "");
}

TEST(RedisUrl, PercentDecodesUserAndPassword) {
  const Endpoint ep = parse_url("redis://us%65r%3A1:p%40ss%3a%2F%25w%00rd@h");
  EXPECT_EQ(ep.user, "user:1");
  EXPECT_EQ(ep.password, std::string("p@ss:/%w\0rd", 11));
}

TEST(RedisUrl, RawAtSignInPasswordUsesLastAt) {
  const Endpoint ep = parse_url("redis://u:p@ss@h:7");
  EXPECT_EQ(ep.password, "p@ss");
  EXPECT_EQ(ep.host, "h");
  EXPECT_EQ(ep.port, 7);
}

TEST(RedisUrl, Ipv6InBrackets) {
  const Endpoint ep = parse_url("redis://[::1]:6380/1");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.port, 6380);
  EXPECT_EQ(ep.db, 1);
  EXPECT_EQ(parse_url("redis://[fe80::1%eth0]").host, "fe80::1%eth0");
  EXPECT_EQ(parse_url("redis://[::ffff:127.0.0.1]").host, "::ffff:127.0.0.1");
}

TEST(RedisUrl, Ipv4Literal) { EXPECT_EQ(parse_url("redis://127.0.0.1:1/0").host, "127.0.0.1"); }

TEST(RedisUrl, PortBounds) {
  EXPECT_EQ(parse_url("redis://h:1").port, 1);
  EXPECT_EQ(parse_url("redis://h:65535").port, 65535);
}

TEST(RedisUrl, BadScheme) {
  EXPECT_NE(error_of("http://h").find("scheme"), std::string::npos);
  EXPECT_NE(error_of("h:6379").find("scheme"), std::string::npos);
  EXPECT_NE(error_of("").find("scheme"), std::string::npos);
  EXPECT_NE(error_of("redis:/h").find("scheme"), std::string::npos);
  EXPECT_NE(error_of("unix:///tmp/redis.sock").find("scheme"), std::string::npos);
}

TEST(RedisUrl, BadPort) {
  for (const char* url :
       {"redis://h:0", "redis://h:65536", "redis://h:99999999999", "redis://h:", "redis://h:abc",
        "redis://h:-1", "redis://h:+1", "redis://h: 1", "redis://[::1]:", "redis://[::1]:x"}) {
    EXPECT_NE(error_of(url).find("port"), std::string::npos) << url;
  }
}

TEST(RedisUrl, BadDb) {
  for (const char* url : {"redis://h/x", "redis://h/-1", "redis://h/1/2", "redis://h:1/1x",
                          "redis://h/99999999999", "redis://h//"}) {
    EXPECT_NE(error_of(url).find("db"), std::string::npos) << url;
  }
}

TEST(RedisUrl, BadHost) {
  for (const char* url : {"redis://", "redis://:6379", "redis://u:p@", "redis://u:p@:1/0",
                          "redis://::1", "redis://[::1", "redis://[::1]x", "redis://[]",
                          "redis://[nothex]", "redis://ho st", "redis://h%41"}) {
    EXPECT_NE(error_of(url).find("host"), std::string::npos) << url;
  }
}

TEST(RedisUrl, QueryAndFragmentRejected) {
  EXPECT_NE(error_of("redis://h?ssl_cert_reqs=none").find("query"), std::string::npos);
  EXPECT_NE(error_of("redis://h/0#x").find("query"), std::string::npos);
}

TEST(RedisUrl, BadPercentEncoding) {
  EXPECT_NE(error_of("redis://:pa%zz@h").find("percent"), std::string::npos);
  EXPECT_NE(error_of("redis://:pa%4@h").find("password"), std::string::npos);
  EXPECT_NE(error_of("redis://us%@h:1").find("password"), std::string::npos);
  EXPECT_NE(error_of("redis://us%G0:x@h").find("user"), std::string::npos);
}

TEST(RedisUrl, RedactedHidesPassword) {
  EXPECT_EQ(parse_url("redis://h").redacted(), "redis://h:6379/0");
  EXPECT_EQ(parse_url("rediss://:hunter2@h:1/2").redacted(), "rediss://:***@h:1/2");
  EXPECT_EQ(parse_url("redis://bob:hunter2@h").redacted(), "redis://bob:***@h:6379/0");
  EXPECT_EQ(parse_url("redis://bob:@h").redacted(), "redis://bob@h:6379/0");
  EXPECT_EQ(parse_url("redis://[::1]:7").redacted(), "redis://[::1]:7/0");
  EXPECT_EQ(parse_url("redis://a%20b:x@h").redacted(), "redis://a%20b:***@h:6379/0");
}

TEST(RedisUrl, RedactedRoundTripsWithoutPassword) {
  const Endpoint ep = parse_url("redis://u%3Ax:pw@h:9/4");
  Endpoint back = parse_url(ep.redacted());
  EXPECT_EQ(back.password, "***");
  back.password = ep.password;
  EXPECT_EQ(back, ep);
}

TEST(RedisUrl, ErrorsNeverQuoteThePassword) {
  // Mistyped URLs put the secret in every position; no message may repeat it.
  for (const char* url :
       {"redis://user:hunter2", "redis://hunter2", "redis://u:hunter2@h:hunter2",
        "redis://u:hunter2@h/hunter2", "redis://u:hunter2@h?hunter2", "redis://hunter2:1/x",
        "hunter2://h", "redis://u:hunter2%zz@h", "redis://[hunter2]", "redis://hunter2 x",
        "redis:/u:hunter2@h", "redis://h/hunter2", "redis://hunter2:hunter2"}) {
    const std::string message = error_of(url);
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << url << " -> " << message;
  }
}

}  // namespace
}  // namespace crawler::redis
