// Integration tests for redis::Subscriber against real redis-server processes: channel and
// pattern messages (binary payloads intact), timeouts, unsubscribe, stop() unblocking next()
// both on the socket and during a reconnect backoff, surviving a restart and a CLIENT KILL
// (re-subscribing everything; messages published after the reconnect arrive), starting while
// Redis is down, keep-alive PINGs that stay invisible, and TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "redis/connection.h"
#include "redis/subscriber.h"
#include "support/poll.h"
#include "support/redis_server.h"
#include "support/services.h"

namespace crawler::redis {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

SubscriberOptions options_for(const Endpoint& ep) {
  SubscriberOptions o;
  o.endpoint = ep;
  o.connection.connect_timeout = 2s;
  o.connection.io_timeout = 2s;
  o.reconnect.initial = 20ms;
  o.reconnect.max = 200ms;
  return o;
}

// Number of subscribers of `channel` the server knows.
std::int64_t numsub(Connection& c, const std::string& channel) {
  const Reply r = c.command({"PUBSUB", "NUMSUB", channel});
  return r.elements().at(1).integer();
}

// Publishes `payload` until the subscriber receives a message (driving its reconnects
// through next()). Returns that message.
std::optional<Message> publish_until_received(Subscriber& sub, const Endpoint& ep,
                                              const std::string& channel,
                                              const std::string& payload) {
  std::optional<Message> got;
  std::unique_ptr<Connection> pub;
  support::poll_until(
      [&] {
        got = sub.next(100ms);
        if (got) return true;
        try {
          if (!pub || pub->broken()) pub = Connection::connect(ep);
          (void)pub->command({"PUBLISH", channel, payload});
        } catch (const IoError&) {
          // Redis still coming back.
        }
        return false;
      },
      15s, 0ms);
  return got;
}

class RedisSubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = support::SharedServices::get();
    endpoint_ = parse_url(services.redis_url());
    prefix_ = services.unique_prefix() + ":";
    pub_ = Connection::connect(endpoint_);
  }
  std::int64_t publish(const std::string& channel, const std::string& payload) {
    return pub_->command({"PUBLISH", channel, payload}).integer();
  }

  Endpoint endpoint_;
  std::string prefix_;
  std::unique_ptr<Connection> pub_;
};

TEST_F(RedisSubscriberTest, ReceivesChannelMessagesInOrder) {
  Subscriber sub(options_for(endpoint_));
  const std::string a = prefix_ + "a";
  const std::string b = prefix_ + "b";
  sub.subscribe({a, b});
  // subscribe() waited for the confirmation: these cannot be missed.
  std::string binary("x\0y\r\nz", 6);
  EXPECT_EQ(publish(a, "one"), 1);
  EXPECT_EQ(publish(b, binary), 1);
  EXPECT_EQ(publish(a, ""), 1);
  EXPECT_EQ(sub.next(5s), (Message{a, std::nullopt, "one"}));
  EXPECT_EQ(sub.next(5s), (Message{b, std::nullopt, binary}));
  EXPECT_EQ(sub.next(5s), (Message{a, std::nullopt, ""}));
}

TEST_F(RedisSubscriberTest, NextTimesOut) {
  Subscriber sub(options_for(endpoint_));
  sub.subscribe({prefix_ + "quiet"});
  const auto start = Clock::now();
  EXPECT_EQ(sub.next(150ms), std::nullopt);
  EXPECT_GE(Clock::now() - start, 150ms);
  EXPECT_LT(Clock::now() - start, 2s);
  // Without subscriptions there is nothing to wait for but the timeout.
  Subscriber idle(options_for(endpoint_));
  EXPECT_EQ(idle.next(50ms), std::nullopt);
}

TEST_F(RedisSubscriberTest, PatternSubscriptions) {
  Subscriber sub(options_for(endpoint_));
  const std::string pattern = prefix_ + "events:*";
  const std::string direct = prefix_ + "events:completed";
  sub.psubscribe({pattern});
  sub.subscribe({direct});
  EXPECT_EQ(publish(prefix_ + "events:failed", "f"), 1);
  EXPECT_EQ(sub.next(5s), (Message{prefix_ + "events:failed", pattern, "f"}));
  // Matched both ways: one delivery per subscription, in server order.
  EXPECT_EQ(publish(direct, "c"), 2);
  std::optional<Message> m1 = sub.next(5s);
  std::optional<Message> m2 = sub.next(5s);
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(m1->payload, "c");
  EXPECT_EQ(m2->payload, "c");
  EXPECT_NE(m1->pattern.has_value(), m2->pattern.has_value());
  EXPECT_EQ(publish(prefix_ + "other", "x"), 0);
}

TEST_F(RedisSubscriberTest, Unsubscribe) {
  Subscriber sub(options_for(endpoint_));
  const std::string a = prefix_ + "a";
  const std::string b = prefix_ + "b";
  const std::string p = prefix_ + "p*";
  sub.subscribe({a, b});
  sub.psubscribe({p});
  sub.unsubscribe({a});
  sub.punsubscribe({p});
  EXPECT_EQ(publish(a, "gone"), 0);
  EXPECT_EQ(publish(prefix_ + "px", "gone"), 0);
  EXPECT_EQ(publish(b, "kept"), 1);
  EXPECT_EQ(sub.next(5s), (Message{b, std::nullopt, "kept"}));
  EXPECT_THROW(sub.subscribe({}), std::invalid_argument);
}

TEST_F(RedisSubscriberTest, StopUnblocksNext) {
  Subscriber sub(options_for(endpoint_));
  sub.subscribe({prefix_ + "quiet"});
  std::optional<Message> got = Message{"unset", std::nullopt, ""};
  Clock::duration took{};
  std::thread consumer([&] {
    const auto start = Clock::now();
    got = sub.next(30s);
    took = Clock::now() - start;
  });
  std::this_thread::sleep_for(100ms);  // let it block on the socket (stop() is sticky anyway)
  sub.stop();
  consumer.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(sub.stopped());
  // Stopped for good, and the server no longer counts us.
  EXPECT_EQ(sub.next(10s), std::nullopt);
  EXPECT_TRUE(support::poll_until([&] { return numsub(*pub_, prefix_ + "quiet") == 0; }, 5s));
}

TEST_F(RedisSubscriberTest, KeepAlivePingsAreInvisible) {
  SubscriberOptions o = options_for(endpoint_);
  o.ping_interval = 20ms;
  Subscriber sub(o);
  const std::string ch = prefix_ + "ch";
  sub.subscribe({ch});
  EXPECT_EQ(sub.next(300ms), std::nullopt);  // ~15 PINGs went out and were answered
  EXPECT_EQ(publish(ch, "still here"), 1);
  EXPECT_EQ(sub.next(5s), (Message{ch, std::nullopt, "still here"}));
}

// ---------------------------------------------------------------------------------------
// Own servers: stopped and restarted.

TEST(RedisSubscriberRestart, SurvivesRestartAndResubscribes) {
  support::RedisServer server;
  server.start();
  const Endpoint ep = parse_url(server.url());
  Subscriber sub(options_for(ep));
  sub.subscribe({"jobs"});
  sub.psubscribe({"events:*"});
  {
    auto pub = Connection::connect(ep);
    EXPECT_EQ(pub->command({"PUBLISH", "jobs", "before"}), Reply::integer(1));
  }
  EXPECT_EQ(sub.next(5s), (Message{"jobs", std::nullopt, "before"}));
  EXPECT_TRUE(sub.connected());

  server.stop();
  // Down: next() keeps returning nullopt in time, never throws, never hangs.
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    EXPECT_EQ(sub.next(100ms), std::nullopt);
    EXPECT_LT(Clock::now() - start, 1s);
  }
  server.restart();
  auto got = publish_until_received(sub, ep, "jobs", "after");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, (Message{"jobs", std::nullopt, "after"}));
  auto pub = Connection::connect(ep);
  EXPECT_EQ(numsub(*pub, "jobs"), 1);
  EXPECT_EQ(pub->command({"PUBSUB", "NUMPAT"}), Reply::integer(1));
}

TEST(RedisSubscriberRestart, ReconnectsAfterClientKill) {
  // An own server: CLIENT KILL TYPE pubsub would hit other tests' subscribers.
  support::RedisServer server;
  server.start();
  const Endpoint ep = parse_url(server.url());
  auto pub = Connection::connect(ep);
  Subscriber sub(options_for(ep));
  sub.subscribe({"ch"});
  sub.psubscribe({"pat:*"});
  EXPECT_EQ(pub->command({"CLIENT", "KILL", "TYPE", "pubsub"}), Reply::integer(1));
  EXPECT_EQ(numsub(*pub, "ch"), 0);
  auto got = publish_until_received(sub, ep, "ch", "after kill");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, (Message{"ch", std::nullopt, "after kill"}));
  // The pattern was re-subscribed too.
  EXPECT_EQ(pub->command({"PUBLISH", "pat:x", "p"}), Reply::integer(1));
  std::optional<Message> m;
  do {
    m = sub.next(5s);  // skip extra "after kill" copies from the publishing loop
  } while (m && m->channel == "ch");
  EXPECT_EQ(m, (Message{"pat:x", std::string("pat:*"), "p"}));
}

TEST(RedisSubscriberRestart, StartsWhileRedisIsDown) {
  support::RedisServer server;
  server.start();
  const Endpoint ep = parse_url(server.url());
  server.stop();
  Subscriber sub(options_for(ep));
  EXPECT_FALSE(sub.connected());
  EXPECT_NO_THROW(sub.subscribe({"jobs"}));  // recorded, applied once Redis is back
  EXPECT_FALSE(sub.connected());
  EXPECT_EQ(sub.next(100ms), std::nullopt);
  server.restart();
  auto got = publish_until_received(sub, ep, "jobs", "hello");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->payload, "hello");
  EXPECT_TRUE(sub.connected());
  sub.stop();
  EXPECT_FALSE(sub.connected());
}

TEST(RedisSubscriberRestart, StopDuringBackoffIsPrompt) {
  support::RedisServer server;
  server.start();
  const Endpoint ep = parse_url(server.url());
  SubscriberOptions o = options_for(ep);
  o.reconnect.initial = 10s;  // a failed reconnect then waits 5..10 s
  o.reconnect.max = 10s;
  Subscriber sub(o);
  sub.subscribe({"jobs"});
  server.stop();
  std::optional<Message> got = Message{};
  Clock::duration took{};
  std::thread consumer([&] {
    const auto start = Clock::now();
    got = sub.next(30s);
    took = Clock::now() - start;
  });
  std::this_thread::sleep_for(200ms);  // loss noticed, immediate reconnect failed: backoff
  sub.stop();
  consumer.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_LT(took, 2s);
}

TEST(RedisSubscriberAuth, WrongPasswordIsThrown) {
  support::RedisServer::Options so;
  so.password = "right";
  support::RedisServer server(so);
  server.start();
  Endpoint ep = parse_url(server.url());
  ep.password = "wrong";
  Subscriber sub(options_for(ep));
  EXPECT_THROW(sub.subscribe({"jobs"}), AuthError);
}

TEST(RedisSubscriberTls, MessagesOverTls) {
  support::RedisServer::Options so;
  so.tls = true;
  support::RedisServer server(so);
  server.start();
  const Endpoint ep = parse_url(server.tls_url());
  SubscriberOptions o = options_for(ep);
  o.connection.tls_ca_file = server.ca_file().string();
  Subscriber sub(o);
  sub.subscribe({"secure"});
  Connection::Options po;
  po.tls_ca_file = o.connection.tls_ca_file;
  auto pub = Connection::connect(ep, po);
  EXPECT_EQ(sub.next(50ms), std::nullopt);  // a cancelled TLS read first
  EXPECT_EQ(pub->command({"PUBLISH", "secure", "s3cr3t"}), Reply::integer(1));
  EXPECT_EQ(sub.next(5s), (Message{"secure", std::nullopt, "s3cr3t"}));
}

}  // namespace
}  // namespace crawler::redis
