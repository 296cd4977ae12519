// Integration tests for the lower-level Connection primitives the Subscriber and blocked
// workers rely on, against real redis-server processes: send()/read_reply() (a timed-out
// read_reply() leaves the connection usable, over TCP and over TLS, where cancelling a read
// must not lose a TLS record), push mode (command() refused after send()), interrupt() from
// another thread (ends a blocked read or a blocking command promptly), and peer_closed()
// (notices a connection the server dropped, without I/O).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "redis/connection.h"
#include "support/poll.h"
#include "support/redis_server.h"
#include "support/services.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Connection::Options quick_options() {
  Connection::Options o;
  o.connect_timeout = 5s;
  o.io_timeout = 5s;
  return o;
}

class RedisPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = support::SharedServices::get();
    endpoint_ = parse_url(services.redis_url());
    prefix_ = services.unique_prefix() + ":";
  }
  std::unique_ptr<Connection> connect() { return Connection::connect(endpoint_, quick_options()); }

  Endpoint endpoint_;
  std::string prefix_;
};

TEST_F(RedisPushTest, SendThenReadReply) {
  auto c = connect();
  c->send({"PING"});
  c->send(std::vector<std::string>{"ECHO", "two"});
  c->send_pipeline({{"ECHO", "three"}, {"ECHO", "four"}});
  EXPECT_TRUE(c->push_mode());
  EXPECT_EQ(c->read_reply(5s), Reply::simple("PONG"));
  EXPECT_EQ(c->read_reply(5s), Reply::bulk("two"));
  EXPECT_EQ(c->read_reply(5s), Reply::bulk("three"));
  EXPECT_EQ(c->read_reply(5s), Reply::bulk("four"));
  EXPECT_FALSE(c->broken());
}

TEST_F(RedisPushTest, ReadReplyTimeoutIsNotAFailure) {
  auto c = connect();
  const auto start = Clock::now();
  EXPECT_EQ(c->read_reply(100ms), std::nullopt);
  EXPECT_GE(Clock::now() - start, 100ms);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_FALSE(c->broken());
  // Still in step: the next exchange gets its own reply.
  c->send({"ECHO", "after timeout"});
  EXPECT_EQ(c->read_reply(5s), Reply::bulk("after timeout"));
}

TEST_F(RedisPushTest, CommandRefusedInPushMode) {
  auto c = connect();
  EXPECT_EQ(c->command({"PING"}), Reply::simple("PONG"));  // fine before send()
  c->send({"PING"});
  // The PONG still in flight would be taken as GET's reply.
  EXPECT_THROW((void)c->command({"GET", prefix_ + "k"}), std::logic_error);
  EXPECT_THROW((void)c->pipeline({{"PING"}}), std::logic_error);
  EXPECT_EQ(c->read_reply(5s), Reply::simple("PONG"));
}

TEST_F(RedisPushTest, RawPubSub) {
  auto sub = connect();
  auto pub = connect();
  const std::string channel = prefix_ + "ch";
  sub->send({"SUBSCRIBE", channel});
  EXPECT_EQ(sub->read_reply(5s),
            Reply::array({Reply::bulk("subscribe"), Reply::bulk(channel), Reply::integer(1)}));
  EXPECT_EQ(pub->command({"PUBLISH", channel, "hello"}), Reply::integer(1));
  EXPECT_EQ(sub->read_reply(5s),
            Reply::array({Reply::bulk("message"), Reply::bulk(channel), Reply::bulk("hello")}));
}

TEST_F(RedisPushTest, InterruptEndsBlockedReadPromptly) {
  auto c = connect();
  c->send({"SUBSCRIBE", prefix_ + "quiet"});
  ASSERT_TRUE(c->read_reply(5s).has_value());
  std::optional<Reply> got = Reply::simple("not set");
  Clock::duration took{};
  std::thread reader([&] {
    const auto start = Clock::now();
    got = c->read_reply(30s);
    took = Clock::now() - start;
  });
  // Give the reader time to block (interrupt() would also work before it does: the flag is
  // sticky, which the second read below checks).
  std::this_thread::sleep_for(100ms);
  c->interrupt();
  reader.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_LT(took, 2s);
  const auto start = Clock::now();
  EXPECT_EQ(c->read_reply(30s), std::nullopt);
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_F(RedisPushTest, InterruptEndsBlockingCommand) {
  auto c = connect();
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    c->interrupt();
  });
  const auto start = Clock::now();
  try {
    (void)c->command({"BLPOP", prefix_ + "never", "30"}, 40s);
    ADD_FAILURE() << "BLPOP returned";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted"), std::string::npos) << e.what();
  }
  stopper.join();
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_TRUE(c->broken());
}

TEST_F(RedisPushTest, PeerClosedNoticesKilledConnection) {
  auto c = connect();
  auto admin = connect();
  EXPECT_FALSE(c->peer_closed());
  const Reply id = c->command({"CLIENT", "ID"});
  ASSERT_TRUE(id.is_integer());
  EXPECT_EQ(admin->command({"CLIENT", "KILL", "ID", std::to_string(id.integer())}),
            Reply::integer(1));
  EXPECT_TRUE(support::poll_until([&] { return c->peer_closed(); }, 5s));
  EXPECT_FALSE(admin->peer_closed());
  EXPECT_THROW((void)c->command({"PING"}), IoError);
}

// ---------------------------------------------------------------------------------------
// TLS: a read_reply() that times out cancels a read on the TLS stream; later records must
// still decrypt (nothing lost, nothing desynchronised).

TEST(RedisPushTls, TimeoutsThenMessagesOverTls) {
  support::RedisServer::Options so;
  so.tls = true;
  support::RedisServer server(so);
  server.start();
  Connection::Options o = quick_options();
  o.tls_ca_file = server.ca_file().string();
  const Endpoint ep = parse_url(server.tls_url());
  auto sub = Connection::connect(ep, o);
  auto pub = Connection::connect(ep, o);
  EXPECT_FALSE(sub->peer_closed());  // unread TLS 1.3 session tickets are not a close
  sub->send({"SUBSCRIBE", "tls-ch"});
  ASSERT_TRUE(sub->read_reply(5s).has_value());
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_EQ(sub->read_reply(30ms), std::nullopt);
    const std::string payload(5000 * (round + 1), static_cast<char>('a' + round));
    ASSERT_EQ(pub->command({"PUBLISH", "tls-ch", payload}), Reply::integer(1));
    const auto got = sub->read_reply(5s);
    ASSERT_TRUE(got.has_value()) << "round " << round;
    ASSERT_TRUE(*got ==
                Reply::array({Reply::bulk("message"), Reply::bulk("tls-ch"), Reply::bulk(payload)}))
        << "round " << round;
  }
  EXPECT_FALSE(sub->broken());
}

}  // namespace
}  // namespace crawler::redis
