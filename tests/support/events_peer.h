// What the events tests share: a Node peer (tests/peers/events_peer.js) whose JSON-line output
// is read back, and a Bull worker process that completes jobs on the api's queue.
#pragma once

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/poll.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::testing {

inline const std::string kEventsPeer = std::string(CRAWLER_PEERS_DIR) + "/events_peer.js";

class EventsPeer {
 public:
  explicit EventsPeer(std::vector<std::string> args) {
    SpawnOptions o;
    o.argv = {"node", kEventsPeer};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.stdout_file = dir_.path() / "out.jsonl";
    o.stderr_file = dir_.path() / "err.log";
    o.kill_with_parent = true;
    proc_ = Subprocess(o);
  }

  std::vector<boost::json::object> lines() const {
    std::vector<boost::json::object> out;
    std::ifstream in(dir_.path() / "out.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      boost::json::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) out.push_back(v.as_object());
    }
    return out;
  }
  std::string output() const {
    std::ifstream a(dir_.path() / "out.jsonl"), b(dir_.path() / "err.log");
    std::string s((std::istreambuf_iterator<char>(a)), {});
    s += std::string((std::istreambuf_iterator<char>(b)), {});
    return s;
  }
  std::size_t count(const std::function<bool(const boost::json::object&)>& pred) const {
    std::size_t n = 0;
    for (const auto& l : lines()) n += pred(l) ? 1 : 0;
    return n;
  }
  bool wait_for(const std::function<bool(const boost::json::object&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(20), std::size_t n = 1) {
    return poll_until([&] { return count(pred) >= n; }, timeout, std::chrono::milliseconds(25));
  }
  Subprocess& process() { return proc_; }

 private:
  TempDir dir_{"events-peer"};
  Subprocess proc_;
};

inline auto of_type(std::string type) {
  return [type](const boost::json::object& o) { return o.at("type").as_string() == type; };
}
inline auto event_named(std::string name) {
  return [name](const boost::json::object& o) {
    return o.at("type").as_string() == "event" && o.at("event").as_string() == name;
  };
}

// Completes the jobs with a Bull 4 worker in a separate Node process; returns when done.
inline void complete_jobs(const std::string& redis_url, const std::string& prefix,
                          const boost::json::array& jobs) {
  SpawnOptions o;
  o.argv = {
      "node", kEventsPeer, "jobs", redis_url, prefix, "crawl-jobs", boost::json::serialize(jobs)};
  run_checked(o, std::chrono::seconds(60));
}

// One job whose worker returns {rank, targetRank, keyword}, as the crawler's worker does.
inline boost::json::object rank_job(std::int64_t keyword_id, const std::string& keyword, int rank,
                                    int target) {
  return {{"data",
           {{"keywordId", keyword_id},
            {"keyword", keyword},
            {"targetUrl", "a.example"},
            {"targetRank", target}}},
          {"result", {{"rank", rank}, {"targetRank", target}, {"keyword", keyword}}}};
}

}  // namespace crawler::testing
