#include "store/postgres/pool.h"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace crawler::store::postgres {

struct Lease::Shared {
  PoolOptions options;
  mutable std::mutex mutex;
  std::condition_variable returned;
  std::vector<std::unique_ptr<Connection>> idle;  // back = most recently returned
  std::size_t open = 0;
  std::size_t opened_total = 0;
  std::size_t dropped_total = 0;
  bool closed = false;  // the Pool is gone: returning leases close their connections
};

namespace {

std::unique_ptr<Connection> open_connection(const PoolOptions& options) {
  std::unique_ptr<Connection> conn;
  try {
    conn = Connection::connect(options.url, options.connect_timeout);
    conn->exec("SET TIME ZONE 'UTC'");
  } catch (const store::Error& e) {
    throw store::Unavailable(e.what());
  }
  return conn;
}

}  // namespace

Lease::Lease(std::shared_ptr<Shared> shared, std::unique_ptr<Connection> connection)
    : shared_(std::move(shared)), connection_(std::move(connection)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    give_back();
    shared_ = std::move(other.shared_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Lease::~Lease() { give_back(); }

void Lease::give_back() noexcept {
  if (!connection_ || !shared_) return;
  // Checked outside the lock: poll() is cheap but still a system call.
  bool keep = connection_->reusable();
  std::unique_ptr<Connection> drop;
  {
    std::lock_guard lock(shared_->mutex);
    if (keep && !shared_->closed) {
      shared_->idle.push_back(std::move(connection_));
    } else {
      drop = std::move(connection_);
      --shared_->open;
      if (!keep) ++shared_->dropped_total;
    }
  }
  shared_->returned.notify_one();
  // `drop` closes here, outside the lock (PQfinish may write a Terminate message).
}

Pool::Pool(PoolOptions options) : shared_(std::make_shared<Lease::Shared>()) {
  if (options.size == 0) throw std::invalid_argument("PostgreSQL pool size must be at least 1");
  if (auto err = validate_url(options.url)) throw std::invalid_argument("PostgreSQL URL " + *err);
  shared_->options = std::move(options);
}

Pool::~Pool() {
  std::vector<std::unique_ptr<Connection>> idle;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
    idle.swap(shared_->idle);
    shared_->open -= idle.size();
  }
}

Lease Pool::acquire() {
  auto& s = *shared_;
  auto deadline = std::chrono::steady_clock::now() + s.options.acquire_timeout;
  std::unique_lock lock(s.mutex);
  for (;;) {
    while (!s.idle.empty()) {
      auto conn = std::move(s.idle.back());
      s.idle.pop_back();
      lock.unlock();
      if (conn->reusable()) return Lease(shared_, std::move(conn));
      conn.reset();  // dead while idle (server restart): replace it
      lock.lock();
      --s.open;
      ++s.dropped_total;
    }
    if (s.open < s.options.size) {
      ++s.open;
      ++s.opened_total;
      lock.unlock();
      try {
        return Lease(shared_, open_connection(s.options));
      } catch (...) {
        lock.lock();
        --s.open;
        lock.unlock();
        s.returned.notify_one();  // the slot is free again for a waiter
        throw;
      }
    }
    if (s.returned.wait_until(lock, deadline) == std::cv_status::timeout && s.idle.empty() &&
        s.open >= s.options.size)
      throw PoolTimeout("no PostgreSQL connection free within " +
                        std::to_string(s.options.acquire_timeout.count()) + " ms (pool size " +
                        std::to_string(s.options.size) + ")");
  }
}

PoolStats Pool::stats() const {
  std::lock_guard lock(shared_->mutex);
  PoolStats st;
  st.open = shared_->open;
  st.idle = shared_->idle.size();
  st.leased = shared_->open - shared_->idle.size();
  st.opened_total = shared_->opened_total;
  st.dropped_total = shared_->dropped_total;
  return st;
}

}  // namespace crawler::store::postgres
