// queue_test_consumer: a consumer process for the queue's crash tests. It runs one worker
// and appends the id of every job it starts to a file (flushed at once), so a test can
// SIGKILL it in the middle of a job and know which job it held.
//
//   queue_test_consumer <backend> <prefix> <queue> <started-file> <sleep-ms> <lock-ms>
//
// <backend>: a Redis URL (the Bull backend, keys under <prefix>) or sqlite:<file> (the
// embedded backend; <prefix> is ignored).
// The handler sleeps <sleep-ms> and returns {}. SIGTERM/SIGINT stop the worker gracefully.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "queue/bull/bull_queue.h"
#include "queue/embedded/embedded_queue.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: %s <backend> <prefix> <queue> <started-file> <sleep-ms> <lock-ms>\n",
                 argv[0]);
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  using namespace crawler::queue;
  const std::string backend = argv[1];
  const std::string started_file = argv[4];
  const auto sleep = std::chrono::milliseconds(std::atol(argv[5]));
  const auto lock = std::chrono::milliseconds(std::atol(argv[6]));

  std::shared_ptr<Queue> queue;
  if (backend.starts_with("sqlite:")) {
    queue = embedded::open_embedded_queue({.path = backend.substr(7), .name = argv[3]});
  } else {
    queue = bull::open_bull_queue({.redis_url = backend, .prefix = argv[2], .name = argv[3]});
  }
  WorkerOptions w;
  w.lock_duration = lock;
  w.lock_renew_time = lock / 2;
  w.stalled_interval = lock;
  w.drain_block = std::chrono::milliseconds(200);
  auto worker = queue->make_worker(w, [&](JobContext& ctx) -> std::string {
    {
      std::ofstream out(started_file, std::ios::app);
      out << ctx.job().id << "\n" << std::flush;
    }
    const auto until = std::chrono::steady_clock::now() + sleep;
    while (std::chrono::steady_clock::now() < until && !ctx.cancelled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "{}";
  });
  worker->start();
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return worker->stop(std::chrono::seconds(5)) ? 0 : 1;
}
