// The plain WebSocket at /ws with npm ws: the same events as JSON frames, API key refusal
// (401 before the handshake), and a client that stops reading neither delays the others nor
// holds the server: it is disconnected once its bounded queue is full.
#include <gtest/gtest.h>

#include "support/crawler_process.h"
#include "support/events_peer.h"
#include "support/ports.h"
#include "support/services.h"

using namespace crawler::testing;
namespace json = boost::json;

namespace {

constexpr const char* kKey = "events-key-0123456789";

class EventsWs : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = SharedServices::get().unique_prefix();
    server_ = std::make_unique<ApiServer>(
        std::map<std::string, std::string>{{"QUEUE_PREFIX", prefix_}, {"API_KEYS", kKey}});
  }
  std::string ws_url(const std::string& query = "") const {
    return "ws://127.0.0.1:" + std::to_string(server_->port) + "/ws" + query;
  }
  std::string headers() const {
    return R"({"headers":{"x-api-key":")" + std::string(kKey) + "\"}}";
  }
  void complete(const json::array& jobs) {
    complete_jobs(SharedServices::get().redis_url(), prefix_, jobs);
  }

  std::string prefix_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace

TEST_F(EventsWs, ReceivesTheSameEvents) {
  EventsPeer peer({"ws", ws_url(), headers()});
  ASSERT_TRUE(peer.wait_for(of_type("open"))) << peer.output();
  complete({rank_job(21, "부산 호텔", 9, 4)});
  ASSERT_TRUE(peer.wait_for(event_named("rank_updated"))) << peer.output();
  ASSERT_TRUE(peer.wait_for(event_named("rank_alert"))) << peer.output();
  ASSERT_TRUE(peer.wait_for(event_named("job_progress"))) << peer.output();
  for (const auto& l : peer.lines()) {
    if (event_named("rank_alert")(l)) {
      EXPECT_EQ(l.at("data").at("keywordId").to_number<int>(), 21);
      EXPECT_EQ(l.at("data").at("message").as_string(),
                "순위 하락 알림[부산 호텔]: 9위 (목표: 4위)");
    }
    if (event_named("job_progress")(l)) {
      EXPECT_EQ(l.at("data").at("keywordId").to_number<int>(), 21);
      EXPECT_EQ(l.at("data").at("progress").to_number<int>(), 50);
    }
  }
}

TEST_F(EventsWs, KeyRequired) {
  EventsPeer none({"ws", ws_url(), "{}"});
  EventsPeer wrong({"ws", ws_url(), R"({"headers":{"authorization":"Bearer nope"}})"});
  EventsPeer query({"ws", ws_url("?token=" + std::string(kKey)), "{}"});
  ASSERT_TRUE(none.wait_for(of_type("refused"))) << none.output();
  ASSERT_TRUE(wrong.wait_for(of_type("refused"))) << wrong.output();
  EXPECT_EQ(none.lines()[0].at("status").to_number<int>(), 401);
  EXPECT_EQ(wrong.lines()[0].at("status").to_number<int>(), 401);
  ASSERT_TRUE(query.wait_for(of_type("open"))) << query.output();
}

TEST_F(EventsWs, StalledClientDoesNotDelayOthers) {
  EventsPeer slow(
      {"ws", ws_url(), R"({"slow":true,"headers":{"x-api-key":")" + std::string(kKey) + "\"}}"});
  EventsPeer sio_slow({"ws",
                       "ws://127.0.0.1:" + std::to_string(server_->port) +
                           "/socket.io/?EIO=4&transport=websocket&apiKey=" + kKey,
                       R"({"slow":true,"send":"40"})"});
  EventsPeer fast({"ws", ws_url(), headers()});
  ASSERT_TRUE(slow.wait_for(of_type("open"))) << slow.output();
  ASSERT_TRUE(sio_slow.wait_for(of_type("open"))) << sio_slow.output();
  ASSERT_TRUE(fast.wait_for(of_type("open"))) << fast.output();
  // 200 alerts of ~128 KB each (a long keyword): ~25 MB, more than the kernel's socket buffers
  // plus the server's 8 MB per-client bound.
  json::array jobs;
  for (int i = 0; i < 200; ++i) {
    auto job = rank_job(1000 + i, "", 10, 1);
    job["bigKeyword"] = 128 * 1024;
    jobs.push_back(job);
  }
  auto t0 = std::chrono::steady_clock::now();
  complete(jobs);
  ASSERT_TRUE(fast.wait_for(event_named("rank_alert"), std::chrono::seconds(60), 200))
      << fast.count(event_named("rank_alert"));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(60));
  // The stalled one was dropped: the server closed it (its socket reports the end once read).
  slow.process().send_signal(SIGKILL);
  EXPECT_TRUE(server_->process.process.running());
  // The server still serves new clients promptly.
  EventsPeer late({"ws", ws_url(), headers()});
  ASSERT_TRUE(late.wait_for(of_type("open"))) << late.output();
  complete({rank_job(5000, "after", 3, 1)});
  ASSERT_TRUE(late.wait_for(event_named("rank_alert"))) << late.output();
}
