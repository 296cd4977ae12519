// Pure logic of the queue library, no Redis: Bull's opts JSON both ways, backoff formulas,
// key names and Redis Cluster slots (hash tags), the delayed score encoding, the script
// registry (every command embedded, includes expanded, headers naming KEYS and ARGV), and
// the decoding of Bull's event payloads.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "queue/bull/events.h"
#include "queue/bull/job_hash.h"
#include "queue/bull/keys.h"
#include "queue/bull/opts_json.h"
#include "queue/bull/score.h"
#include "queue/bull/script_registry.h"
#include "queue/queue.h"
#include "queue/stacktrace.h"

namespace crawler::queue {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// Options with every field Bull writes as a number or an object set (the crawler's values).
JobOptions retrying_options() {
  JobOptions o;
  o.attempts = 3;
  o.backoff = Backoff{Backoff::Type::exponential, 2000ms};
  o.remove_on_complete = KeepJobs::keep_last(100);
  o.remove_on_fail = KeepJobs::keep_last(50);
  return o;
}

TEST(QueueOptions, BackoffAsBullComputesIt) {
  const Backoff fixed{Backoff::Type::fixed, 600ms};
  const Backoff expo{Backoff::Type::exponential, 2000ms};
  EXPECT_EQ(backoff_delay(std::nullopt, 1), std::nullopt);
  EXPECT_EQ(backoff_delay(fixed, 1), 600ms);
  EXPECT_EQ(backoff_delay(fixed, 5), 600ms);
  EXPECT_EQ(backoff_delay(expo, 1), 2000ms);   // (2^1 - 1) * 2000
  EXPECT_EQ(backoff_delay(expo, 2), 6000ms);   // (2^2 - 1) * 2000
  EXPECT_EQ(backoff_delay(expo, 3), 14000ms);  // (2^3 - 1) * 2000
  EXPECT_EQ(backoff_delay(Backoff{Backoff::Type::exponential, 333ms}, 1), 333ms);
}

TEST(QueueOptions, OptsJsonHasBullsShape) {
  JobOptions o = retrying_options();
  o.priority = 50;
  o.job_id = "42";
  o.timeout = 10s;
  o.delay = 1500ms;
  const auto v = json::parse(bull::to_opts_json(o, 1700000000000)).as_object();
  EXPECT_EQ(v.at("attempts").as_int64(), 3);
  EXPECT_EQ(v.at("backoff").as_object().at("type").as_string(), "exponential");
  EXPECT_EQ(v.at("backoff").as_object().at("delay").as_int64(), 2000);
  EXPECT_EQ(v.at("removeOnComplete").as_int64(), 100);
  EXPECT_EQ(v.at("removeOnFail").as_int64(), 50);
  EXPECT_EQ(v.at("priority").as_int64(), 50);
  EXPECT_EQ(v.at("jobId").as_string(), "42");
  EXPECT_EQ(v.at("timeout").as_int64(), 10000);
  EXPECT_EQ(v.at("delay").as_int64(), 1500);
  EXPECT_EQ(v.at("timestamp").as_int64(), 1700000000000);
  EXPECT_FALSE(v.contains("lifo"));
}

TEST(QueueOptions, OptsJsonNeutralValuesAreLeftOut) {
  const auto v = json::parse(bull::to_opts_json(JobOptions{}, 5)).as_object();
  EXPECT_EQ(v.size(), 3u) << json::serialize(v);  // attempts, delay, timestamp
  EXPECT_EQ(v.at("attempts").as_int64(), 1);
}

TEST(QueueOptions, KeepRulesAsBooleansAndCounts) {
  JobOptions o;
  o.remove_on_complete = KeepJobs::remove_all();
  o.remove_on_fail = KeepJobs::keep_all();
  const auto v = json::parse(bull::to_opts_json(o, 1)).as_object();
  EXPECT_EQ(v.at("removeOnComplete").as_bool(), true);
  EXPECT_EQ(v.at("removeOnFail").as_bool(), false);
  EXPECT_EQ(KeepJobs::remove_all().count(), 0);
  EXPECT_EQ(KeepJobs::keep_all().count(), -1);
  EXPECT_EQ(KeepJobs().count(), -1);
}

TEST(QueueOptions, OptsJsonRoundTrips) {
  JobOptions o = retrying_options();
  o.priority = 1;
  o.job_id = "kw-7";
  o.lifo = true;
  o.timeout = 250ms;
  o.stack_trace_limit = 3;
  o.timestamp = 123;
  EXPECT_EQ(bull::parse_opts_json(bull::to_opts_json(o, 999)), o);
}

TEST(QueueOptions, ParsesWhatNodeStores) {
  // Written by npm bull 4.16 for queue.add(data, {attempts:3, backoff:1000, jobId:7, ...}).
  const auto o = bull::parse_opts_json(
      R"({"attempts":"3","backoff":1000,"removeOnComplete":{"count":5,"age":60},)"
      R"("removeOnFail":true,"jobId":7,"priority":2,"delay":0,"timestamp":1795726396099})");
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(o.backoff, (Backoff{Backoff::Type::fixed, 1000ms}));
  EXPECT_EQ(o.remove_on_complete, KeepJobs::keep_last(5));
  EXPECT_EQ(o.remove_on_fail, KeepJobs::remove_all());
  EXPECT_EQ(o.job_id, "7");
  EXPECT_EQ(o.priority, 2);
  EXPECT_EQ(o.timestamp, 1795726396099);
  EXPECT_THROW(bull::parse_opts_json("not json"), std::invalid_argument);
  EXPECT_THROW(bull::parse_opts_json("[1]"), std::invalid_argument);
}

TEST(QueueKeys, NamesAsBullBuildsThem) {
  const bull::Keys k("bull", "crawl-jobs");
  EXPECT_EQ(k.base(), "bull:crawl-jobs:");
  EXPECT_EQ(k.wait(), "bull:crawl-jobs:wait");
  EXPECT_EQ(k.meta_paused(), "bull:crawl-jobs:meta-paused");
  EXPECT_EQ(k.stalled_check(), "bull:crawl-jobs:stalled-check");
  EXPECT_EQ(k.job("17"), "bull:crawl-jobs:17");
  EXPECT_EQ(k.lock("17"), "bull:crawl-jobs:17:lock");
  EXPECT_EQ(k.logs("17"), "bull:crawl-jobs:17:logs");
  EXPECT_THROW(bull::Keys("", "q"), std::invalid_argument);
  EXPECT_THROW(bull::Keys("bull", ""), std::invalid_argument);
}

TEST(QueueKeys, HashSlotFollowsTheClusterRule) {
  // Reference values from `redis-cli CLUSTER KEYSLOT` / the cluster specification.
  EXPECT_EQ(bull::hash_slot("123456789"), 0x31C3 & 16383);
  EXPECT_EQ(bull::hash_slot("foo"), 12182);
  EXPECT_EQ(bull::hash_slot("{user1000}.following"), bull::hash_slot("user1000"));
  EXPECT_EQ(bull::hash_slot("foo{}{bar}"), bull::hash_slot("foo{}{bar}"));  // empty tag: whole key
  EXPECT_NE(bull::hash_slot("foo{}{bar}"), bull::hash_slot("bar"));
}

TEST(QueueKeys, HashTagPrefixPutsTheWholeQueueInOneSlot) {
  const bull::Keys k("{bull}", "crawl-jobs");
  const auto slot = bull::hash_slot(k.wait());
  for (const auto& key : {k.active(), k.delayed(), k.priority(), k.completed(), k.failed(),
                          k.stalled(), k.stalled_check(), k.id(), k.meta_paused(), k.paused(),
                          k.job("1"), k.lock("99"), k.logs("abc"), k.key("active@token")}) {
    EXPECT_EQ(bull::hash_slot(key), slot) << key;
  }
  // Without the tag, keys scatter: the reason the tag is needed.
  const bull::Keys plain("bull", "crawl-jobs");
  EXPECT_NE(bull::hash_slot(plain.wait()), bull::hash_slot(plain.active()));
}

TEST(QueueScore, DelayedScoreEncoding) {
  EXPECT_EQ(bull::delayed_score(1795726401099, 2), 1795726401099LL * 4096 + 2);
  EXPECT_EQ(bull::delayed_score(1000, 4096 + 5), 1000 * 4096 + 5);  // low 12 bits only
  EXPECT_EQ(bull::due_from_score(bull::delayed_score(1795726401099, 4095)), 1795726401099);
  EXPECT_EQ(bull::id_low_bits("4097"), 1);
  EXPECT_EQ(bull::id_low_bits("kw-7"), 0);
  EXPECT_EQ(bull::id_low_bits(""), 0);
  // A score Node stored (job counter 2, due 1795726401122 ms): it decodes, and re-encodes.
  EXPECT_EQ(bull::due_from_score(7355295338995714LL), 1795726401122);
  EXPECT_EQ(7355295338995714LL & 0xfff, 2);
  EXPECT_EQ(bull::delayed_score(1795726401122, 2), 7355295338995714LL);
}

TEST(QueueScripts, AllCommandsEmbeddedWithHeaders) {
  const std::vector<std::string> expected = {"addJobs",
                                             "addJobsUnlessActive",
                                             "addJobsUnlessPending",
                                             "addLog",
                                             "cleanJobsInSet",
                                             "completeAndFetch",
                                             "empty",
                                             "extendLocks",
                                             "moveActiveToWait",
                                             "moveStalledJobsToWait",
                                             "moveToFailed",
                                             "obliterate",
                                             "pause",
                                             "promote",
                                             "promoteDelayed",
                                             "removeJob",
                                             "reprocessJob",
                                             "updateProgress"};
  std::vector<std::string> names;
  for (const auto& s : bull::scripts()) {
    names.push_back(s.name);
    EXPECT_NE(s.text.find("KEYS[1]"), std::string::npos) << s.name << " names no KEYS";
    EXPECT_EQ(s.text.find("--- @include"), std::string::npos) << s.name;
    EXPECT_EQ(s.sha1.size(), 40u);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, expected);
  EXPECT_NE(bull::script("addJobs").text.find("local function insertByPriority"),
            std::string::npos);
  EXPECT_THROW(bull::script("nope"), std::logic_error);
}

TEST(QueueScripts, IncludesExpand) {
  const bull::EmbeddedScript all[] = {{"includes/f", "local function f() end\n"},
                                      {"main", "a\n--- @include \"f\"\nb"}};
  EXPECT_EQ(bull::expand_includes(all[1].text, all), "a\nlocal function f() end\nb");
  const bull::EmbeddedScript bad[] = {{"main", "--- @include \"g\"\n"}};
  EXPECT_THROW(bull::expand_includes(bad[0].text, bad), std::logic_error);
  EXPECT_EQ(redis::sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(QueueEvents, DecodesBullPayloads) {
  const bull::Keys k("bull", "q");
  auto c = bull::decode_event(k, "bull:q:completed", R"({"jobId":"7","val":"{\"rank\":3}"})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, QueueEvent::Kind::completed);
  EXPECT_EQ(c->job_id, "7");
  EXPECT_EQ(c->payload, R"({"rank":3})");
  // The stalled check's failed payload, as Bull writes it.
  auto f = bull::decode_event(k, "bull:q:failed",
                              R"({"jobId":"8", "val": "job stalled more than maxStalledCount"})");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, QueueEvent::Kind::failed);
  EXPECT_EQ(f->payload, "job stalled more than maxStalledCount");
  auto p = bull::decode_event(k, "bull:q:progress", R"({"jobId":"9","progress":{"a":1}})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->payload, R"({"a":1})");
  EXPECT_FALSE(bull::decode_event(k, "bull:q:completed", "garbage").has_value());
  EXPECT_FALSE(bull::decode_event(k, "bull:q:other", R"({"jobId":"1"})").has_value());
}

TEST(QueueJobHash, DecodesFieldsLeniently) {
  using redis::Reply;
  std::vector<Reply> f = {
      Reply::bulk("name"),        Reply::bulk("crawl"),      Reply::bulk("data"),
      Reply::bulk("{\"a\":1}"),   Reply::bulk("opts"),       Reply::bulk("{\"attempts\":3}"),
      Reply::bulk("timestamp"),   Reply::bulk("1700"),       Reply::bulk("attemptsMade"),
      Reply::bulk("2"),           Reply::bulk("stacktrace"), Reply::bulk("[\"e1\",\"e2\"]"),
      Reply::bulk("returnvalue"), Reply::bulk("null"),       Reply::bulk("progress"),
      Reply::bulk("40")};
  const Job j = bull::job_from_fields("5", f);
  EXPECT_EQ(j.id, "5");
  EXPECT_EQ(j.name, "crawl");
  EXPECT_EQ(j.data, "{\"a\":1}");
  EXPECT_EQ(j.opts.attempts, 3);
  EXPECT_EQ(j.timestamp, 1700);
  EXPECT_EQ(j.attempts_made, 2);
  EXPECT_EQ(j.stacktrace, (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(j.return_value, "null");
  EXPECT_EQ(j.progress, "40");
  const Job broken = bull::job_from_fields("6", {Reply::bulk("opts"), Reply::bulk("{oops")});
  EXPECT_EQ(broken.opts, JobOptions{});
  EXPECT_EQ(broken.opts_json, "{oops");
  EXPECT_EQ(append_stacktrace({"a", "b"}, "c", 2), R"(["b","c"])");
  EXPECT_EQ(append_stacktrace({}, "x\"y", std::nullopt), R"(["x\"y"])");
  EXPECT_EQ(parse_stacktrace(R"(["a",1,"b"])"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(parse_stacktrace("{oops").empty());
}

TEST(QueueStates, NamesRoundTrip) {
  for (auto s : {JobState::waiting, JobState::active, JobState::completed, JobState::failed,
                 JobState::delayed, JobState::paused, JobState::stuck}) {
    EXPECT_EQ(job_state_from_string(to_string(s)), s);
  }
  EXPECT_EQ(job_state_from_string("wait"), JobState::waiting);
  EXPECT_THROW(job_state_from_string("gone"), std::invalid_argument);
}

}  // namespace
}  // namespace crawler::queue
