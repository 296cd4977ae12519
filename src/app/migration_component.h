// Applies the database migrations when the api role starts, in the background: a database that
// is not reachable yet (containers starting together) must not crash the process. Until the
// migrations are applied, /ready reports "migrations": "pending" and answers 503.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/component.h"
#include "app/health.h"

namespace crawler::app {

class MigrationComponent : public Component {
 public:
  explicit MigrationComponent(std::string database_url) : url_(std::move(database_url)) {}
  ~MigrationComponent() override;

  std::string_view name() const override { return "migrations"; }
  void start() override;
  void stop(std::chrono::steady_clock::time_point deadline) override;

  // Readiness probe: healthy once every migration is applied.
  DependencyCheck check();

 private:
  void run();

  std::string url_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string last_error_ = "migrations not applied yet";
  std::atomic<bool> done_{false};
};

}  // namespace crawler::app
