// Pool: the shared state behind Pool and Lease, and the connect gate (see pool.h).
//
// Locking: one mutex guards everything in Shared. It is never held across network I/O:
// connecting releases it (the slot is reserved first by counting it in `open`), and
// commands run on leased connections that no other thread can reach.
#include "redis/pool.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace crawler::redis {

using Clock = std::chrono::steady_clock;

struct Lease::Shared {
  explicit Shared(PoolOptions o)
      : options(std::move(o)), label(options.endpoint.redacted()), backoff(options.reconnect) {
    // give_back() must not allocate (it runs in destructors): room for every connection.
    idle.reserve(options.max_connections);
  }

  const PoolOptions options;
  const std::string label;

  mutable std::mutex mutex;
  std::condition_variable returned;  // a connection went idle or a slot was freed
  std::vector<std::unique_ptr<Connection>> idle;
  std::size_t open = 0;
  std::size_t leased = 0;

  // The connect gate: after a failed connect, no new connect before retry_at, and then
  // only one at a time (the probe) until one succeeds.
  Backoff backoff;
  std::uint32_t failures = 0;
  Clock::time_point retry_at{};
  bool probing = false;
  std::exception_ptr last_error;
  std::string last_message;

  // Opens a connection through the gate. `lock` is held on entry and on exit (normal or
  // exceptional) and released while connecting.
  std::unique_ptr<Connection> connect(std::unique_lock<std::mutex>& lock) {
    bool probe = false;
    if (failures > 0) {
      const auto now = Clock::now();
      if (probing || now < retry_at) throw_gated(now);
      probing = true;
      probe = true;
    }
    lock.unlock();
    std::unique_ptr<Connection> connection;
    std::exception_ptr error;
    try {
      connection = Connection::connect(options.endpoint, options.connection);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (probe) probing = false;
    if (!error) {
      failures = 0;
      backoff.reset();
      return connection;
    }
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      // Connects that were already under way when Redis went down fail together; they are
      // one outage, so only the first failure or a probe advances the backoff.
      if (probe || failures == 0) retry_at = Clock::now() + backoff.next();
      ++failures;
      last_error = error;
      last_message = e.what();
      throw;
    }
    // Anything else (std::bad_alloc...) says nothing about Redis and propagates untouched.
  }

  [[noreturn]] void throw_gated(Clock::time_point now) const {
    try {
      std::rethrow_exception(last_error);
    } catch (const IoError&) {
      // Reported below, with the gate's state.
    }
    // AuthError and other configuration errors were rethrown above as themselves.
    std::string why =
        probing ? "another connect attempt is in progress"
                : "next attempt in " +
                      std::to_string(
                          std::chrono::ceil<std::chrono::milliseconds>(retry_at - now).count()) +
                      " ms";
    throw IoError(label + ": Redis unreachable (" + std::to_string(failures) +
                  " failed connect attempt(s), " + why + "); last error: " + last_message);
  }

  void give_back(std::unique_ptr<Connection> connection, bool keep) noexcept {
    std::unique_ptr<Connection> doomed;
    {
      std::lock_guard lock(mutex);
      --leased;
      // A push-mode connection (send() was used) may have replies in flight: never reuse.
      if (keep && !connection->broken() && !connection->push_mode()) {
        idle.push_back(std::move(connection));
      } else {
        --open;
        doomed = std::move(connection);
      }
    }
    returned.notify_one();
    // `doomed` closes its socket here, outside the lock.
  }
};

// ---------------------------------------------------------------------------------------
// Lease

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
  if (connection_) shared_->give_back(std::move(connection_), true);
  shared_.reset();
}

void Lease::discard() {
  if (connection_) shared_->give_back(std::move(connection_), false);
  shared_.reset();
}

// ---------------------------------------------------------------------------------------
// Pool

Pool::Pool(PoolOptions options) {
  if (options.max_connections == 0) {
    throw std::invalid_argument("redis pool: max_connections must be at least 1");
  }
  shared_ = std::make_shared<Lease::Shared>(std::move(options));  // validates the backoff
}

Pool::~Pool() = default;

Lease Pool::acquire() {
  Lease::Shared& s = *shared_;
  const std::size_t max = s.options.max_connections;
  std::unique_lock lock(s.mutex);
  const auto deadline = Clock::now() + s.options.acquire_timeout;
  for (;;) {
    while (!s.idle.empty()) {
      std::unique_ptr<Connection> c = std::move(s.idle.back());
      s.idle.pop_back();
      if (c->peer_closed()) {
        --s.open;  // closed by the server while idle: replace it
        continue;
      }
      ++s.leased;
      return Lease(shared_, std::move(c));
    }
    if (s.open < max) {
      ++s.open;  // reserve the slot before connecting without the lock
      try {
        std::unique_ptr<Connection> c = s.connect(lock);
        ++s.leased;
        return Lease(shared_, std::move(c));
      } catch (...) {
        --s.open;
        lock.unlock();
        s.returned.notify_one();  // a waiter may use the slot (and meet the gate)
        throw;
      }
    }
    const bool available =
        s.returned.wait_until(lock, deadline, [&] { return !s.idle.empty() || s.open < max; });
    if (!available) {
      throw IoError(s.label + ": no pooled connection free within " +
                    std::to_string(s.options.acquire_timeout.count()) + " ms (all " +
                    std::to_string(max) + " in use)");
    }
  }
}

Reply Pool::command(std::initializer_list<std::string_view> args) {
  Lease lease = acquire();
  return lease->command(args);
}

Reply Pool::command(const std::vector<std::string>& args) {
  Lease lease = acquire();
  return lease->command(args);
}

std::vector<Reply> Pool::pipeline(const std::vector<std::vector<std::string>>& commands) {
  Lease lease = acquire();
  return lease->pipeline(commands);
}

std::unique_ptr<Connection> Pool::connect_dedicated() {
  std::unique_lock lock(shared_->mutex);
  return shared_->connect(lock);
}

const Endpoint& Pool::endpoint() const { return shared_->options.endpoint; }

PoolStats Pool::stats() const {
  std::lock_guard lock(shared_->mutex);
  return PoolStats{shared_->open, shared_->idle.size(), shared_->leased, shared_->failures};
}

}  // namespace crawler::redis
