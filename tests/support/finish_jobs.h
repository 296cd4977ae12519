// For tests that need finished jobs of both kinds: runs a worker on `queue` until `done`
// holds for the queue's counts (or `timeout` passes), failing every job whose data contains
// "fail" with "HTTP 500 from the search page" and completing the others. Returns whether
// `done` held.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "queue/queue.h"

namespace crawler::queue::testing {

inline bool finish_jobs(Queue& queue, const std::function<bool(const JobCounts&)>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  WorkerOptions w;
  w.drain_block = std::chrono::milliseconds(100);
  auto worker = queue.make_worker(w, [](JobContext& ctx) -> std::string {
    if (ctx.job().data.find("fail") != std::string::npos)
      throw std::runtime_error("HTTP 500 from the search page");
    return "{}";
  });
  worker->start();
  const auto until = std::chrono::steady_clock::now() + timeout;
  bool ok = false;
  while (!(ok = done(queue.get_job_counts())) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  worker->stop(std::chrono::seconds(5));
  return ok;
}

}  // namespace crawler::queue::testing
