#include "scheduler/coordination.h"

#include <stdexcept>

#include "core/clock.h"
#include "sqlite/database.h"

namespace crawler::scheduler {
namespace {

Coordination::TimePoint from_ms(std::int64_t ms) {
  return Coordination::TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace

RedisCoordination::RedisCoordination(redis::Pool& pool, LeaderLease& lease,
                                     std::string last_tick_key)
    : pool_(pool), lease_(lease), key_(std::move(last_tick_key)) {}

std::optional<Coordination::TimePoint> RedisCoordination::last_tick() {
  auto reply = pool_.command({"GET", key_});
  if (!reply.is_string()) return std::nullopt;
  return from_ms(std::stoll(reply.str()));
}

void RedisCoordination::record_tick(TimePoint started) {
  pool_.command({"SET", key_, std::to_string(epoch_ms(started))});
}

SoloCoordination::SoloCoordination(const std::string& path, std::string holder)
    : holder_(std::move(holder)) {
  try {
    db_ = std::make_unique<sqlite::Database>(path);
    sqlite::apply_schema(*db_, "scheduler",
                         {{1,
                           "CREATE TABLE scheduler_state (name TEXT PRIMARY KEY, value "
                           "INTEGER NOT NULL)"}});
  } catch (const sqlite::Error& e) {
    throw std::runtime_error(std::string("scheduler state: ") + e.what());
  }
}

SoloCoordination::~SoloCoordination() = default;

std::optional<Coordination::TimePoint> SoloCoordination::last_tick() {
  std::lock_guard lock(mutex_);
  auto& s = db_->prepare("SELECT value FROM scheduler_state WHERE name = 'last_tick'");
  std::optional<TimePoint> out;
  if (s.step()) out = from_ms(s.int64(0));
  s.reset();
  return out;
}

void SoloCoordination::record_tick(TimePoint started) {
  std::lock_guard lock(mutex_);
  db_->prepare(
         "INSERT INTO scheduler_state (name, value) VALUES ('last_tick', ?1) "
         "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
      .bind(1, epoch_ms(started))
      .run();
}

}  // namespace crawler::scheduler
