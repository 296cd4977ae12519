// Socket.IO at /socket.io/ with the real npm socket.io-client 4 (default options: polling,
// then the WebSocket upgrade; and transports: ['websocket']), events from a job completed by
// a Bull worker in another process, API key refusal, reconnection after a server restart.
#include <gtest/gtest.h>

#include "support/crawler_process.h"
#include "support/events_peer.h"
#include "support/ports.h"
#include "support/services.h"

using namespace crawler::testing;
namespace json = boost::json;

namespace {

constexpr const char* kKey = "events-key-0123456789";

class EventsSocketIo : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = SharedServices::get().unique_prefix();
    port_ = free_port();
    start();
  }
  void start() {
    server_ = std::make_unique<ApiServer>(std::map<std::string, std::string>{
        {"QUEUE_PREFIX", prefix_}, {"API_KEYS", kKey}, {"PORT", std::to_string(port_)}});
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void complete(const json::array& jobs) {
    complete_jobs(SharedServices::get().redis_url(), prefix_, jobs);
  }
  // Completes a job for keyword `id` and expects both events at `peer`.
  void expect_rank_events(EventsPeer& peer, std::int64_t id) {
    complete({rank_job(id, "강남 맛집", 5, 3)});
    auto for_id = [id](const char* name) {
      return [id, name](const json::object& o) {
        return event_named(name)(o) && o.at("data").at("keywordId").to_number<std::int64_t>() == id;
      };
    };
    ASSERT_TRUE(peer.wait_for(for_id("rank_updated"))) << peer.output() << server_->process.log();
    ASSERT_TRUE(peer.wait_for(for_id("rank_alert"))) << peer.output();
    for (const auto& l : peer.lines()) {
      if (!for_id("rank_alert")(l)) continue;
      const auto& d = l.at("data").as_object();
      EXPECT_EQ(d.at("message").as_string(), "순위 하락 알림[강남 맛집]: 5위 (목표: 3위)");
      EXPECT_EQ(d.at("rank").to_number<int>(), 5);
      EXPECT_EQ(d.at("targetRank").to_number<int>(), 3);
      EXPECT_EQ(d.at("keyword").as_string(), "강남 맛집");
    }
    for (const auto& l : peer.lines()) {
      if (!for_id("rank_updated")(l)) continue;
      EXPECT_EQ(l.at("data").at("rank").to_number<int>(), 5);
      EXPECT_TRUE(l.at("data").at("timestamp").is_string());
    }
  }

  std::string prefix_;
  int port_ = 0;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace

TEST_F(EventsSocketIo, DefaultClientUpgradesReceivesEventsAndReconnects) {
  EventsPeer peer({"sio", url(), R"({"io":{"auth":{"token":")" + std::string(kKey) + R"("}}})"});
  ASSERT_TRUE(peer.wait_for(of_type("connect"))) << peer.output();
  EXPECT_EQ(peer.lines()[0].at("type").as_string(), "engine_open");
  EXPECT_EQ(peer.lines()[0].at("transport").as_string(), "polling");
  ASSERT_TRUE(peer.wait_for(of_type("upgrade"))) << peer.output();
  expect_rank_events(peer, 7);
  // A rank at or better than the target: rank_updated only.
  complete({rank_job(8, "k", 2, 3)});
  ASSERT_TRUE(peer.wait_for(event_named("rank_updated"), std::chrono::seconds(20), 2));
  EXPECT_EQ(peer.count(event_named("rank_alert")), 1u);

  server_.reset();  // SIGKILLs the api
  ASSERT_TRUE(peer.wait_for(of_type("disconnect"))) << peer.output();
  start();
  ASSERT_TRUE(peer.wait_for(of_type("connect"), std::chrono::seconds(30), 2)) << peer.output();
  expect_rank_events(peer, 9);
}

TEST_F(EventsSocketIo, WebSocketOnlyClient) {
  EventsPeer peer(
      {"sio", url(),
       R"({"io":{"transports":["websocket"],"auth":{"apiKey":")" + std::string(kKey) + R"("}}})"});
  ASSERT_TRUE(peer.wait_for(of_type("connect"))) << peer.output();
  EXPECT_EQ(peer.lines()[0].at("transport").as_string(), "websocket");
  EXPECT_EQ(peer.count(of_type("upgrade")), 0u);
  expect_rank_events(peer, 11);
  // Failures too.
  complete({{{"data", {{"keywordId", 12}, {"keyword", "x"}, {"targetUrl", "a.example"}}},
             {"fail", "boom"}}});
  ASSERT_TRUE(peer.wait_for(event_named("job_failed"))) << peer.output();
  for (const auto& l : peer.lines())
    if (event_named("job_failed")(l)) {
      EXPECT_EQ(l.at("data").at("keywordId").to_number<int>(), 12);
      EXPECT_EQ(l.at("data").at("error").as_string(), "boom");
    }
}

TEST_F(EventsSocketIo, KeyInHeaderOrQueryIsAccepted) {
  EventsPeer header(
      {"sio", url(), R"({"io":{"extraHeaders":{"x-api-key":")" + std::string(kKey) + R"("}}})"});
  EventsPeer query({"sio", url() + "?apiKey=" + kKey, R"({"io":{"transports":["websocket"]}})"});
  ASSERT_TRUE(header.wait_for(of_type("connect"))) << header.output();
  ASSERT_TRUE(query.wait_for(of_type("connect"))) << query.output();
}

TEST_F(EventsSocketIo, MissingOrWrongKeyIsRefused) {
  EventsPeer none({"sio", url(), "{}"});
  EventsPeer wrong_auth({"sio", url(), R"({"io":{"auth":{"token":"nope"}}})"});
  EventsPeer wrong_header({"sio", url(), R"({"io":{"extraHeaders":{"x-api-key":"nope"}}})"});
  ASSERT_TRUE(none.wait_for(of_type("connect_error"))) << none.output();
  ASSERT_TRUE(wrong_auth.wait_for(of_type("connect_error"))) << wrong_auth.output();
  ASSERT_TRUE(wrong_header.wait_for(of_type("connect_error"))) << wrong_header.output();
  EXPECT_EQ(none.count(of_type("connect")), 0u);
  EXPECT_EQ(wrong_auth.count(of_type("connect")), 0u);
  EXPECT_EQ(wrong_header.count(of_type("connect")), 0u);
  for (const auto& l : none.lines()) {
    if (of_type("connect_error")(l)) {
      EXPECT_EQ(l.at("message").as_string(), "unauthorized");
    }
  }
}
