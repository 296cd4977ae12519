// Helpers shared by the queue integration tests: driving the Node bull peer
// (tests/peers/bull_peer.js) and recording what a C++ handler saw. Header-only; needs the test
// harness (support/) on the include path.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "queue/queue.h"
#include "support/subprocess.h"

namespace crawler::queue::testing {

namespace json = boost::json;

// Runs `node bull_peer.js <command> <url> <prefix> <queue> args...` and parses the last line
// of its output as JSON. Throws with the output when it fails.
inline json::value run_peer(const std::string& command, const std::string& url,
                            const std::string& prefix, const std::string& queue,
                            const std::vector<std::string>& args = {},
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  crawler::testing::SpawnOptions o;
  o.argv = {"node", std::string(CRAWLER_PEERS_DIR) + "/bull_peer.js", command, url, prefix, queue};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  const std::string out = crawler::testing::run_checked(o, timeout);
  auto end = out.find_last_not_of("\r\n ");
  auto start = out.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return json::parse(out.substr(start, end - start + 1));
}

inline JobCounts counts_from_json(const json::value& v) {
  const auto& o = v.as_object();
  auto n = [&](const char* k) { return o.at(k).to_number<std::int64_t>(); };
  return JobCounts{n("waiting"), n("active"),  n("completed"),
                   n("failed"),  n("delayed"), n("paused")};
}

inline std::string describe(const JobCounts& c) {
  return "waiting=" + std::to_string(c.waiting) + " active=" + std::to_string(c.active) +
         " completed=" + std::to_string(c.completed) + " failed=" + std::to_string(c.failed) +
         " delayed=" + std::to_string(c.delayed) + " paused=" + std::to_string(c.paused);
}

// One handler call as the C++ worker saw it.
struct Call {
  std::string id;
  std::string data;
  int attempts_made;
  std::int64_t at;
};

class CallLog {
 public:
  void add(Call c) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(c));
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

// The `n` field of a job's JSON data.
inline std::int64_t data_n(const std::string& data) {
  return json::parse(data).as_object().at("n").to_number<std::int64_t>();
}

}  // namespace crawler::queue::testing
