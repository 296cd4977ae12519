// Pool: how to open and check a libpq connection, around core::LeasePool (see pool.h).
#include "store/postgres/pool.h"

#include <stdexcept>

namespace crawler::store::postgres {

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

core::LeasePoolOptions lease_options(const PoolOptions& options) {
  if (options.size == 0) throw std::invalid_argument("PostgreSQL pool size must be at least 1");
  if (auto err = validate_url(options.url)) throw std::invalid_argument("PostgreSQL URL " + *err);
  return {.max_size = options.size, .acquire_timeout = options.acquire_timeout};
}

}  // namespace

Pool::Pool(PoolOptions options)
    : leases_(lease_options(options),
              {.open = [options] { return open_connection(options); },
               // Failed, or left inside a transaction by an exception: not handed on.
               .keep = [](Connection& c) { return c.reusable(); },
               // The termination notice a restarting server sends arrives while idle.
               .alive = [](Connection& c) { return c.reusable(); },
               .exhausted =
                   [](const core::LeasePoolOptions& o) {
                     throw PoolTimeout("no PostgreSQL connection free within " +
                                       std::to_string(o.acquire_timeout.count()) +
                                       " ms (pool size " + std::to_string(o.max_size) + ")");
                   }}) {}

}  // namespace crawler::store::postgres
