// Pool: the connect gate and the Redis checks around core::LeasePool (see pool.h).
//
// Locking: the lease pool has its own lock and never holds it while connecting; the gate's
// mutex guards only the gate's counters and is never held across network I/O either.
#include "redis/pool.h"

#include <exception>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace crawler::redis {

using Clock = std::chrono::steady_clock;

// The connect gate: after a failed connect, no new connect before retry_at, and then only
// one at a time (the probe) until one succeeds.
struct Pool::Gate {
  Gate(Endpoint e, Connection::Options c, BackoffOptions reconnect)
      : endpoint(std::move(e)), connection(c), label(endpoint.redacted()), backoff(reconnect) {}

  const Endpoint endpoint;
  const Connection::Options connection;
  const std::string label;

  mutable std::mutex mutex;
  Backoff backoff;
  std::uint32_t failures = 0;
  Clock::time_point retry_at{};
  bool probing = false;
  std::exception_ptr last_error;
  std::string last_message;

  std::unique_ptr<Connection> connect() {
    bool probe = false;
    {
      std::lock_guard lock(mutex);
      if (failures > 0) {
        const auto now = Clock::now();
        if (probing || now < retry_at) throw_gated(now);
        probing = true;
        probe = true;
      }
    }
    std::unique_ptr<Connection> fresh;
    std::exception_ptr error;
    try {
      fresh = Connection::connect(endpoint, connection);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex);
    if (probe) probing = false;
    if (!error) {
      failures = 0;
      backoff.reset();
      return fresh;
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

  // Under `mutex`.
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
};

namespace {

core::LeasePoolOptions lease_options(const PoolOptions& o) {
  if (o.max_connections == 0) {
    throw std::invalid_argument("redis pool: max_connections must be at least 1");
  }
  return {.max_size = o.max_connections, .acquire_timeout = o.acquire_timeout};
}

}  // namespace

Pool::Pool(PoolOptions options)
    : gate_(std::make_shared<Gate>(options.endpoint, options.connection,
                                   options.reconnect)),  // validates the backoff
      leases_(lease_options(options),
              {.open = [gate = gate_] { return gate->connect(); },
               // A push-mode connection (send() was used) may have replies in flight: never
               // reuse it.
               .keep = [](Connection& c) { return !c.broken() && !c.push_mode(); },
               // Closed by the server while idle (restart, CLIENT KILL, idle timeout): noticed
               // without I/O, so a Redis restart costs callers nothing once Redis is back.
               .alive = [](Connection& c) { return !c.peer_closed(); },
               .exhausted =
                   [label = gate_->label](const core::LeasePoolOptions& o) {
                     throw IoError(label + ": no pooled connection free within " +
                                   std::to_string(o.acquire_timeout.count()) + " ms (all " +
                                   std::to_string(o.max_size) + " in use)");
                   }}) {}

Lease Pool::acquire() { return leases_.acquire(); }

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

std::unique_ptr<Connection> Pool::connect_dedicated() { return gate_->connect(); }

const Endpoint& Pool::endpoint() const { return gate_->endpoint; }

PoolStats Pool::stats() const {
  const core::LeasePoolStats s = leases_.stats();
  std::uint32_t failures = 0;
  {
    std::lock_guard lock(gate_->mutex);
    failures = gate_->failures;
  }
  return PoolStats{s.open, s.idle, s.leased, failures};
}

}  // namespace crawler::redis
