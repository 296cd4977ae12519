// queue_test_consumer: a consumer process for the queue's crash tests. It runs one Bull
// worker and appends the id of every job it starts to a file (flushed at once), so a test
// can SIGKILL it in the middle of a job and know which job it held.
//
//   queue_test_consumer <redis-url> <prefix> <queue> <started-file> <sleep-ms> <lock-ms>
//
// The handler sleeps <sleep-ms> and returns {}. SIGTERM/SIGINT stop the worker gracefully.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "queue/bull/bull_queue.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: %s <redis-url> <prefix> <queue> <started-file> <sleep-ms> <lock-ms>\n",
                 argv[0]);
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  using namespace crawler::queue;
  bull::BullOptions o;
  o.redis_url = argv[1];
  o.prefix = argv[2];
  o.name = argv[3];
  const std::string started_file = argv[4];
  const auto sleep = std::chrono::milliseconds(std::atol(argv[5]));
  const auto lock = std::chrono::milliseconds(std::atol(argv[6]));

  auto queue = bull::open_bull_queue(o);
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
