// The event bus: the queue's global events (whatever process ran the job) turned into the
// real-time events existing clients listen to and handed to subscribers (the Socket.IO server, the
// /ws hub).
//
//   completed → rank_updated {keywordId, rank, timestamp}
//               rank_alert   {keywordId, keyword, rank, targetRank, message} when both ranks
//                            are numbers and rank > targetRank (a worse position), with the
//                            message clients show "순위 하락 알림[<kw>]: <rank>위 (목표: <t>위)"
//   failed    → job_failed   {keywordId, error}
//   progress  → job_progress {jobId, keywordId, progress}
//
// keywordId: the worker's return value is {rank, targetRank, keyword} (what clients read), so it
// is looked up in the job's data (Queue::get_job) — a keywordId in the return value, if a
// future worker adds one, wins and saves the lookup. Lookups are cached per job id (progress
// events come first, so the completion usually costs no Redis call). A job already removed
// (removeOnComplete under a burst) gives keywordId null rather than no event.
// timestamp: ISO 8601 UTC with milliseconds, as JavaScript's Date#toJSON writes it.
//
// One thread reads Queue::events(); when the backend is unreachable it retries every second
// (the stream itself reconnects after a Redis restart). Events published meanwhile are lost:
// Bull's global events are Redis pub/sub, at-most-once. Subscribers run on that thread and
// must not block (both of ours only queue frames).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "queue/queue.h"

namespace crawler::events {

struct Event {
  std::string name;
  std::string data;  // JSON text (an object)
};

// Pure: the events one queue event becomes. `job_data` is the job's data JSON text if known.
std::vector<Event> translate(const queue::QueueEvent& e, const std::optional<std::string>& job_data,
                             std::chrono::system_clock::time_point now);

class EventBus {
 public:
  using Sink = std::function<void(const Event&)>;
  EventBus(queue::Queue& queue, log::Logger logger);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  void subscribe(Sink sink);  // before start()
  void start();
  void stop();

 private:
  void run();
  std::optional<std::string> job_data(const queue::QueueEvent& e);

  queue::Queue& queue_;
  log::Logger logger_;
  std::vector<Sink> sinks_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::unordered_map<std::string, std::string> cache_;  // job id → data, FIFO-bounded
  std::deque<std::string> cache_order_;
};

}  // namespace crawler::events
