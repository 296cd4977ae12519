#include "app/migration_component.h"

#include "core/backoff.h"
#include "core/log.h"
#include "store/postgres/migrate.h"

namespace crawler::app {

MigrationComponent::~MigrationComponent() {
  if (thread_.joinable()) stop(std::chrono::steady_clock::now());
}

void MigrationComponent::start() {
  thread_ = std::thread([this] { run(); });
}

void MigrationComponent::stop(std::chrono::steady_clock::time_point) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // A migration in progress runs to its end (it is one transaction each); connect attempts are
  // bounded by their timeout.
  if (thread_.joinable()) thread_.join();
}

DependencyCheck MigrationComponent::check() {
  return {"migrations", [this]() -> std::optional<std::string> {
            if (done_) return std::nullopt;
            std::lock_guard lock(mutex_);
            return last_error_;
          }};
}

void MigrationComponent::run() {
  log::Logger logger("migrations");
  // 0.5 s doubling to 10 s, exactly: replicas waiting for PostgreSQL meet at its advisory
  // lock anyway, so there is nothing to spread.
  Backoff backoff({.initial = std::chrono::milliseconds(500),
                   .factor = 2.0,
                   .max = std::chrono::milliseconds(10000),
                   .jitter = 0.0});
  for (;;) {
    try {
      auto conn = store::postgres::Connection::connect(url_, std::chrono::seconds(5));
      auto report = store::postgres::migrate(*conn, store::postgres::builtin_migrations());
      for (const auto& name : report.applied) logger.info("applied", {{"migration", name}});
      logger.info("schema up to date", {{"version", report.current_version}});
      done_ = true;
      return;
    } catch (const std::exception& e) {
      const auto delay = backoff.next();
      logger.warn("migrations not applied yet; retrying",
                  {{"error", std::string_view(e.what())}, {"retry_ms", delay.count()}});
      std::unique_lock lock(mutex_);
      last_error_ = e.what();
      if (wake_.wait_for(lock, delay, [this] { return stopping_; })) return;
    }
  }
}

}  // namespace crawler::app
