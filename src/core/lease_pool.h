// LeasePool<T>: a bounded, thread-safe set of connections (any T), handed out as RAII leases.
// The Redis pool (redis/pool.h) and the PostgreSQL pool (store/postgres/pool.h) are this
// core plus how to open, check and name their own connections.
//
//   core::LeasePool<Conn> pool(options, {.open = [&] { return Conn::connect(url); },
//                                        .keep = [](Conn& c) { return c.ok(); }, ...});
//   { auto lease = pool.acquire(); lease->query(...); }  // returned on scope exit
//
// Design:
//   - A connection is not thread-safe, so a thread borrows one for the duration of its work
//     (a Lease). At most max_size exist (idle + leased + being opened); acquire() waits for
//     one to come back up to acquire_timeout and then calls hooks.exhausted, which throws
//     the owner's error: an exhausted pool must surface as an error, never as a hang.
//   - Connections open lazily and are kept idle after use, most recently returned first
//     (the warmest one goes out first, and surplus connections stay idle).
//   - Broken connections are replaced, not repaired: on return a connection failing
//     hooks.keep is closed; an idle one failing hooks.alive (the server closed it while it
//     sat idle) is closed before it is handed out, and the next one is tried.
//   - Opening runs without the lock (the slot is reserved first by counting it in `open`):
//     one slow connect never blocks the other threads' returns and acquires. A failed open
//     frees its slot and propagates hooks.open's exception.
//   - Connections are closed outside the lock (closing may write to the socket).
//   - Leases share ownership of the pool's state, so a Lease outliving its pool is harmless:
//     its connection is closed on return.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace crawler::core {

struct LeasePoolOptions {
  std::size_t max_size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
};

struct LeasePoolStats {
  std::size_t open = 0;           // idle + leased + being opened; never above max_size
  std::size_t idle = 0;           // ready to lease
  std::size_t leased = 0;         // held by Leases
  std::size_t opened_total = 0;   // connections ever opened (replacements included)
  std::size_t dropped_total = 0;  // connections closed as broken or discarded
};

template <class T>
class LeasePool {
  struct Shared;

 public:
  struct Hooks {
    // Opens a connection; called without the pool's lock. Throws to fail acquire().
    std::function<std::unique_ptr<T>()> open;
    // On return: false closes the connection instead of keeping it idle.
    std::function<bool(T&)> keep;
    // Before an idle connection is handed out: false replaces it. Should be cheap (no round
    // trip); it runs on every acquire().
    std::function<bool(T&)> alive;
    // Called when no connection came free within acquire_timeout; must throw.
    std::function<void(const LeasePoolOptions&)> exhausted;
  };

  // Exclusive use of one pooled connection until destruction (or discard()). Movable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        give_back(true);
        shared_ = std::move(other.shared_);
        connection_ = std::move(other.connection_);
      }
      return *this;
    }
    ~Lease() { give_back(true); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // The leased connection. Undefined after discard() or a move (check with bool).
    T& operator*() const { return *connection_; }
    T* operator->() const { return connection_.get(); }
    explicit operator bool() const { return connection_ != nullptr; }

    // Closes the connection instead of returning it to the pool: for a connection left in a
    // state the next user must not inherit.
    void discard() { give_back(false); }

   private:
    friend class LeasePool;
    Lease(std::shared_ptr<Shared> shared, std::unique_ptr<T> connection)
        : shared_(std::move(shared)), connection_(std::move(connection)) {}

    void give_back(bool keep) noexcept {
      if (connection_ && shared_) shared_->give_back(std::move(connection_), keep);
      shared_.reset();
    }

    std::shared_ptr<Shared> shared_;
    std::unique_ptr<T> connection_;
  };

  // Does not connect: the first acquire() does. Throws std::invalid_argument for
  // max_size == 0 or a missing hook.
  LeasePool(LeasePoolOptions options, Hooks hooks)
      : shared_(std::make_shared<Shared>(options, std::move(hooks))) {
    if (options.max_size == 0) throw std::invalid_argument("pool size must be at least 1");
    const Hooks& h = shared_->hooks;
    if (!h.open || !h.keep || !h.alive || !h.exhausted)
      throw std::invalid_argument("lease pool: every hook must be set");
  }

  ~LeasePool() {
    std::vector<std::unique_ptr<T>> idle;
    {
      std::lock_guard lock(shared_->mutex);
      shared_->closed = true;
      idle.swap(shared_->idle);
      shared_->open -= idle.size();
    }
    // `idle` closes here, outside the lock.
  }

  LeasePool(const LeasePool&) = delete;
  LeasePool& operator=(const LeasePool&) = delete;

  // An idle connection that is still alive, else a new one if fewer than max_size exist,
  // else waits up to acquire_timeout for one to come back. Throws what hooks.open throws,
  // or what hooks.exhausted throws.
  Lease acquire() {
    Shared& s = *shared_;
    const std::size_t max = s.options.max_size;
    const auto deadline = std::chrono::steady_clock::now() + s.options.acquire_timeout;
    std::unique_lock lock(s.mutex);
    for (;;) {
      while (!s.idle.empty()) {
        std::unique_ptr<T> c = std::move(s.idle.back());
        s.idle.pop_back();
        ++s.leased;  // counted as leased while checked, so stats never lose it
        lock.unlock();
        if (s.hooks.alive(*c)) return Lease(shared_, std::move(c));
        c.reset();  // closed by the server while idle: replace it
        lock.lock();
        --s.leased;
        --s.open;
        ++s.dropped_total;
      }
      if (s.open < max) {
        ++s.open;  // reserve the slot before opening without the lock
        ++s.opened_total;
        lock.unlock();
        try {
          std::unique_ptr<T> c = s.hooks.open();
          lock.lock();
          ++s.leased;
          lock.unlock();
          return Lease(shared_, std::move(c));
        } catch (...) {
          if (!lock.owns_lock()) lock.lock();
          --s.open;
          lock.unlock();
          s.returned.notify_one();  // the slot is free again for a waiter
          throw;
        }
      }
      const bool available =
          s.returned.wait_until(lock, deadline, [&] { return !s.idle.empty() || s.open < max; });
      if (!available) {
        lock.unlock();
        s.hooks.exhausted(s.options);
        throw std::runtime_error("lease pool exhausted");  // a hook that did not throw
      }
    }
  }

  LeasePoolStats stats() const {
    std::lock_guard lock(shared_->mutex);
    const Shared& s = *shared_;
    return LeasePoolStats{s.open, s.idle.size(), s.leased, s.opened_total, s.dropped_total};
  }

  const LeasePoolOptions& options() const { return shared_->options; }

 private:
  struct Shared {
    Shared(LeasePoolOptions o, Hooks h) : options(o), hooks(std::move(h)) {
      // give_back() must not allocate (it runs in destructors): room for every connection.
      idle.reserve(options.max_size);
    }

    void give_back(std::unique_ptr<T> connection, bool keep) noexcept {
      // Checked outside the lock: the check may be a system call.
      keep = keep && hooks.keep(*connection);
      std::unique_ptr<T> doomed;
      {
        std::lock_guard lock(mutex);
        --leased;
        if (keep && !closed) {
          idle.push_back(std::move(connection));
        } else {
          --open;
          if (!keep) ++dropped_total;
          doomed = std::move(connection);
        }
      }
      returned.notify_one();
      // `doomed` closes here, outside the lock.
    }

    const LeasePoolOptions options;
    const Hooks hooks;
    mutable std::mutex mutex;
    std::condition_variable returned;      // a connection went idle or a slot was freed
    std::vector<std::unique_ptr<T>> idle;  // back = most recently returned
    std::size_t open = 0;
    std::size_t leased = 0;
    std::size_t opened_total = 0;
    std::size_t dropped_total = 0;
    bool closed = false;  // the pool is gone: returning leases close their connections
  };

  std::shared_ptr<Shared> shared_;
};

}  // namespace crawler::core
