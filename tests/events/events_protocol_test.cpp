// Engine.IO 4 / Socket.IO 5 packet encoding and decoding, and the queue → event translation.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "events/event_bus.h"
#include "events/protocol.h"
#include "events/ws_hub.h"

using namespace crawler::events;
namespace json = boost::json;

TEST(EngineIo, DecodesAndEncodesPackets) {
  auto p = eio::decode("4hello");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, eio::Type::message);
  EXPECT_EQ(p->data, "hello");
  EXPECT_EQ(eio::decode("3")->type, eio::Type::pong);
  EXPECT_EQ(eio::decode("2probe")->data, "probe");
  EXPECT_FALSE(eio::decode(""));
  EXPECT_FALSE(eio::decode("bAQID"));  // base64 binary
  EXPECT_FALSE(eio::decode("9"));
  EXPECT_EQ(eio::encode(eio::Type::ping), "2");
  EXPECT_EQ(eio::encode(eio::Type::pong, "probe"), "3probe");
}

TEST(EngineIo, SplitsPollingPayloads) {
  auto parts = eio::split_payload(
      "40\x1e"
      "42[\"a\"]\x1e"
      "3");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "40");
  EXPECT_EQ(parts[1], "42[\"a\"]");
  EXPECT_EQ(parts[2], "3");
  EXPECT_TRUE(eio::split_payload("").empty());
  EXPECT_EQ(eio::split_payload("6").size(), 1u);
}

TEST(EngineIo, OpenPacket) {
  auto open = eio::open_packet({"abc", true, 25000, 20000, 1000000});
  ASSERT_EQ(open[0], '0');
  auto v = json::parse(open.substr(1)).as_object();
  EXPECT_EQ(v["sid"].as_string(), "abc");
  EXPECT_EQ(v["upgrades"].as_array().size(), 1u);
  EXPECT_EQ(v["upgrades"].as_array()[0].as_string(), "websocket");
  EXPECT_EQ(v["pingInterval"].as_int64(), 25000);
  EXPECT_EQ(v["pingTimeout"].as_int64(), 20000);
  EXPECT_EQ(v["maxPayload"].as_int64(), 1000000);
  auto ws = json::parse(eio::open_packet({"x", false, 1, 2, 3}).substr(1)).as_object();
  EXPECT_TRUE(ws["upgrades"].as_array().empty());
  EXPECT_EQ(json::parse(eio::error_body(1, "Session ID unknown")).at("code").as_int64(), 1);
}

TEST(SocketIo, DecodesConnectWithAndWithoutAuth) {
  auto c = sio::decode("0");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, sio::Type::connect);
  EXPECT_EQ(c->nsp, "/");
  EXPECT_TRUE(c->data.empty());
  auto a = sio::decode(R"(0{"token":"k1"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(auth_payload_key(a->data), "k1");
  EXPECT_EQ(auth_payload_key(R"({"apiKey":"k2"})"), "k2");
  EXPECT_EQ(auth_payload_key(R"({"other":1})"), "");
  EXPECT_EQ(auth_payload_key(""), "");
  auto n = sio::decode(R"(0/admin,{"token":"x"})");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->nsp, "/admin");
  EXPECT_FALSE(sio::decode("0[1]"));  // CONNECT payload must be an object
  EXPECT_FALSE(sio::decode("0{bad"));
}

TEST(SocketIo, DecodesEventsAcksAndBinary) {
  auto e = sio::decode(R"(2["hello",{"a":1}])");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, sio::Type::event);
  EXPECT_FALSE(e->id);
  auto withid = sio::decode(R"(2/chat,12["m"])");
  ASSERT_TRUE(withid);
  EXPECT_EQ(withid->nsp, "/chat");
  EXPECT_EQ(*withid->id, 12);
  auto ack = sio::decode("313[]");
  ASSERT_TRUE(ack);
  EXPECT_EQ(*ack->id, 13);
  auto bin = sio::decode(R"(51-["f",{"_placeholder":true,"num":0}])");
  ASSERT_TRUE(bin);
  EXPECT_EQ(bin->attachments, 1);
  EXPECT_FALSE(sio::decode("2"));         // an event needs a payload
  EXPECT_FALSE(sio::decode("2[]"));       // ... a non-empty array
  EXPECT_FALSE(sio::decode("2{}"));       // ... not an object
  EXPECT_FALSE(sio::decode("7[\"x\"]"));  // unknown type
  EXPECT_FALSE(sio::decode("1{}"));       // DISCONNECT has no payload
  EXPECT_TRUE(sio::decode("1"));
}

TEST(SocketIo, EncodesWhatTheServerSends) {
  EXPECT_EQ(sio::event_message("rank_updated", R"({"rank":5})"),
            R"(42["rank_updated",{"rank":5}])");
  EXPECT_EQ(sio::event_message("a\"b", "1"), R"(42["a\"b",1])");
  EXPECT_EQ(sio::connect_message("S1"), R"(40{"sid":"S1"})");
  EXPECT_EQ(sio::connect_error_message("/", "unauthorized"), R"(44{"message":"unauthorized"})");
  EXPECT_EQ(sio::connect_error_message("/x", "Invalid namespace"),
            R"(44/x,{"message":"Invalid namespace"})");
  sio::Packet p{sio::Type::ack, "/", 7, 0, "[]"};
  EXPECT_EQ(sio::encode(p), "37[]");
  auto round = sio::decode(sio::encode({sio::Type::event, "/n", 3, 0, R"(["e",1])"}));
  ASSERT_TRUE(round);
  EXPECT_EQ(round->nsp, "/n");
  EXPECT_EQ(*round->id, 3);
  EXPECT_EQ(round->data, R"(["e",1])");
}

TEST(WsHubFrame, WrapsNameAndData) {
  EXPECT_EQ(WsHub::frame("job_failed", R"({"error":"x"})"),
            R"({"event":"job_failed","data":{"error":"x"}})");
}

namespace {
crawler::queue::QueueEvent completed(std::string payload) {
  return {crawler::queue::QueueEvent::Kind::completed, "42", std::move(payload)};
}
const auto kNow = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764158400123));
}  // namespace

TEST(Translate, CompletedWorseThanTargetAlerts) {
  auto out =
      translate(completed(R"({"rank":5,"targetRank":3,"keyword":"강남"})"),
                R"({"keywordId":7,"keyword":"강남","targetUrl":"a.com","targetRank":3})", kNow);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "rank_updated");
  auto u = json::parse(out[0].data).as_object();
  EXPECT_EQ(u["keywordId"].as_int64(), 7);
  EXPECT_EQ(u["rank"].as_int64(), 5);
  EXPECT_EQ(u["timestamp"].as_string(), "2025-11-26T12:00:00.123Z");
  EXPECT_EQ(out[1].name, "rank_alert");
  auto a = json::parse(out[1].data).as_object();
  EXPECT_EQ(a["keywordId"].as_int64(), 7);
  EXPECT_EQ(a["keyword"].as_string(), "강남");
  EXPECT_EQ(a["message"].as_string(), "순위 하락 알림[강남]: 5위 (목표: 3위)");
}

TEST(Translate, NoAlertWhenAtTargetOrUnknown) {
  EXPECT_EQ(
      translate(completed(R"({"rank":3,"targetRank":3,"keyword":"k"})"), std::nullopt, kNow).size(),
      1u);
  EXPECT_EQ(
      translate(completed(R"({"rank":null,"targetRank":3,"keyword":"k"})"), std::nullopt, kNow)
          .size(),
      1u);
  EXPECT_EQ(
      translate(completed(R"({"rank":9,"targetRank":null,"keyword":"k"})"), std::nullopt, kNow)
          .size(),
      1u);
  auto out = translate(completed("not json"), std::nullopt, kNow);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(json::parse(out[0].data).at("keywordId").is_null());
  // A keywordId in the return value wins over the job data.
  auto carried = translate(completed(R"({"keywordId":99,"rank":1})"), R"({"keywordId":7})", kNow);
  EXPECT_EQ(json::parse(carried[0].data).at("keywordId").as_int64(), 99);
}

TEST(Translate, FailedAndProgress) {
  auto f = translate({crawler::queue::QueueEvent::Kind::failed, "1", "timeout"},
                     R"({"keywordId":3})", kNow);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].name, "job_failed");
  EXPECT_EQ(f[0].data, R"({"keywordId":3,"error":"timeout"})");
  auto p = translate({crawler::queue::QueueEvent::Kind::progress, "1", "80"}, R"({"keywordId":3})",
                     kNow);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "job_progress");
  EXPECT_EQ(p[0].data, R"({"jobId":"1","keywordId":3,"progress":80})");
}
