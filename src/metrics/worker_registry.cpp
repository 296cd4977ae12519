#include "metrics/worker_registry.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <stdexcept>

#include "core/clock.h"
#include "core/hex.h"

namespace crawler::metrics {
namespace {

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

void sort_oldest_first(std::vector<WorkerInfo>& workers) {
  std::sort(workers.begin(), workers.end(), [](const WorkerInfo& a, const WorkerInfo& b) {
    return a.started_at != b.started_at ? a.started_at < b.started_at : a.id < b.id;
  });
}

void check(const redis::Reply& r, const char* what) {
  if (r.is_error()) throw redis::Error(std::string(what) + ": " + r.str());
}

}  // namespace

std::string make_worker_id(const std::string& host, std::int64_t pid) {
  std::random_device rd;
  return host + ":" + std::to_string(pid) + ":" + hex_u32(rd());
}

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

WorkerRegistry::WorkerRegistry(WorkerRegistryOptions options) : options_(std::move(options)) {
  if (options_.heartbeat_interval <= std::chrono::milliseconds::zero() ||
      options_.ttl_multiplier < 1)
    throw std::invalid_argument("WorkerRegistry: heartbeat interval and multiplier must be > 0");
}

std::chrono::milliseconds WorkerRegistry::ttl() const {
  return options_.heartbeat_interval * options_.ttl_multiplier;
}

RedisWorkerRegistry::RedisWorkerRegistry(redis::Pool& pool, WorkerRegistryOptions options)
    : WorkerRegistry(std::move(options)), pool_(pool) {}

std::string RedisWorkerRegistry::index_key() const { return options_.key_base + ":workers:index"; }
std::string RedisWorkerRegistry::worker_key(const std::string& id) const {
  return options_.key_base + ":workers:" + id;
}

void RedisWorkerRegistry::announce(WorkerInfo info) {
  if (info.id.empty()) throw std::invalid_argument("WorkerRegistry::announce: empty id");
  info.heartbeat = epoch_ms();
  const std::string key = worker_key(info.id);
  auto replies = pool_.pipeline({
      {"MULTI"},
      {"HSET",
       key,
       "id",
       info.id,
       "host",
       info.host,
       "pid",
       std::to_string(info.pid),
       "role",
       info.role,
       "concurrency",
       std::to_string(info.concurrency),
       "busy",
       std::to_string(info.busy),
       "started_at",
       std::to_string(info.started_at),
       "heartbeat",
       std::to_string(info.heartbeat),
       "jobs_completed",
       std::to_string(info.jobs_completed),
       "jobs_failed",
       std::to_string(info.jobs_failed)},
      {"PEXPIRE", key, std::to_string(ttl().count())},
      {"ZADD", index_key(), std::to_string(info.heartbeat), info.id},
      {"EXEC"},
  });
  for (const auto& r : replies) check(r, "announce");
}

void RedisWorkerRegistry::remove(const std::string& id) {
  auto replies = pool_.pipeline({{"DEL", worker_key(id)}, {"ZREM", index_key(), id}});
  for (const auto& r : replies) check(r, "remove");
}

std::vector<WorkerInfo> RedisWorkerRegistry::list_live() {
  const std::int64_t cutoff = epoch_ms() - ttl().count();
  auto first =
      pool_.pipeline({{"ZREMRANGEBYSCORE", index_key(), "-inf", "(" + std::to_string(cutoff)},
                      {"ZRANGE", index_key(), "0", "-1"}});
  for (const auto& r : first) check(r, "list workers");
  std::vector<std::string> ids;
  for (const auto& e : first[1].elements()) ids.push_back(e.str());
  if (ids.empty()) return {};

  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids) reads.push_back({"HGETALL", worker_key(id)});
  auto hashes = pool_.pipeline(reads);

  std::vector<WorkerInfo> out;
  std::vector<std::string> gone = {"ZREM", index_key()};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& h = hashes[i];
    check(h, "read worker");
    if (!h.is_array() || h.elements().empty()) {
      gone.push_back(ids[i]);  // hash expired before the index entry aged out
      continue;
    }
    WorkerInfo w;
    w.id = ids[i];
    const auto& f = h.elements();
    for (std::size_t k = 0; k + 1 < f.size(); k += 2) {
      const auto& name = f[k].str();
      const auto& value = f[k + 1].str();
      if (name == "host")
        w.host = value;
      else if (name == "pid")
        w.pid = to_int(value);
      else if (name == "role")
        w.role = value;
      else if (name == "concurrency")
        w.concurrency = static_cast<int>(to_int(value));
      else if (name == "busy")
        w.busy = static_cast<int>(to_int(value));
      else if (name == "started_at")
        w.started_at = to_int(value);
      else if (name == "heartbeat")
        w.heartbeat = to_int(value);
      else if (name == "jobs_completed")
        w.jobs_completed = to_int(value);
      else if (name == "jobs_failed")
        w.jobs_failed = to_int(value);
    }
    out.push_back(std::move(w));
  }
  if (gone.size() > 2) check(pool_.command(gone), "prune workers");
  sort_oldest_first(out);
  return out;
}

FleetSummary WorkerRegistry::summary() {
  FleetSummary s;
  for (const auto& w : list_live()) {
    ++s.workers;
    s.slots += w.concurrency;
    s.busy_slots += w.busy;
  }
  return s;
}

LocalWorkerRegistry::LocalWorkerRegistry(WorkerRegistryOptions options)
    : WorkerRegistry(std::move(options)) {}

void LocalWorkerRegistry::announce(WorkerInfo info) {
  if (info.id.empty()) throw std::invalid_argument("WorkerRegistry::announce: empty id");
  info.heartbeat = epoch_ms();
  std::lock_guard lock(mutex_);
  workers_[info.id] = std::move(info);
}

void LocalWorkerRegistry::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  workers_.erase(id);
}

std::vector<WorkerInfo> LocalWorkerRegistry::list_live() {
  const auto oldest = epoch_ms() - ttl().count();
  std::vector<WorkerInfo> out;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(workers_, [&](const auto& entry) { return entry.second.heartbeat < oldest; });
    for (const auto& [id, w] : workers_) out.push_back(w);
  }
  sort_oldest_first(out);
  return out;
}

WorkerHeartbeat::WorkerHeartbeat(WorkerRegistry& registry, WorkerInfo info, Refresh refresh)
    : registry_(registry), info_(std::move(info)), refresh_(std::move(refresh)) {
  if (info_.id.empty()) info_.id = make_worker_id(info_.host, info_.pid);
}

WorkerHeartbeat::~WorkerHeartbeat() { stop(std::chrono::steady_clock::now()); }

void WorkerHeartbeat::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) throw std::logic_error("WorkerHeartbeat already started");
  thread_ = std::thread([this] { run(); });
}

bool WorkerHeartbeat::beat() {
  try {
    WorkerInfo now = info_;
    if (refresh_) refresh_(now);
    registry_.announce(std::move(now));
    if (failing_) logger_.info("heartbeat recovered", {{"worker", info_.id}});
    failing_ = false;
    return true;
  } catch (const std::exception& e) {
    if (!failing_)
      logger_.warn("heartbeat failed; retrying",
                   {{"worker", info_.id}, {"error", std::string_view(e.what())}});
    failing_ = true;
    return false;
  }
}

void WorkerHeartbeat::run() {
  for (;;) {
    beat();
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, registry_.options().heartbeat_interval, [this] { return stopping_; }))
      return;
  }
}

void WorkerHeartbeat::stop(std::chrono::steady_clock::time_point) {
  bool was_running = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    was_running = thread_.joinable();
  }
  wake_.notify_all();
  if (!was_running) return;
  thread_.join();
  try {
    registry_.remove(info_.id);
  } catch (const std::exception& e) {
    logger_.warn("could not remove the worker entry; it expires by itself",
                 {{"worker", info_.id}, {"error", std::string_view(e.what())}});
  }
}

}  // namespace crawler::metrics
