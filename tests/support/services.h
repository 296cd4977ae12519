// The Redis and PostgreSQL every integration test of a process shares.
//
// Under CTest, the `services_start` fixture runs `crawler-test-services start`, which starts
// one Redis and one PostgreSQL for the whole run and writes their URLs to services.env; every
// integration test gets CRAWLER_TEST_SERVICES=<that file> and SharedServices reads it, so no
// test pays for starting servers. Run directly (without that variable), a test binary starts
// its own servers on first use and they die with the process. (They are tied to the thread
// that first asks for them, so ask from the test's main thread, e.g. in SetUp().)
//
// Tests isolate themselves inside the shared servers: a unique key prefix per test in Redis,
// a fresh database per test in PostgreSQL.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace crawler::testing {

class RedisServer;
class PostgresServer;

class SharedServices {
 public:
  // The process-wide instance. Throws std::runtime_error if CRAWLER_TEST_SERVICES names a
  // file that cannot be read or lacks REDIS_URL / PG_ADMIN_URL.
  static SharedServices& get();

  ~SharedServices();
  SharedServices(const SharedServices&) = delete;
  SharedServices& operator=(const SharedServices&) = delete;

  // redis://127.0.0.1:PORT (starts the process's own Redis on first call when standalone).
  std::string redis_url();
  // postgresql://postgres@127.0.0.1:PORT/postgres (likewise for PostgreSQL).
  std::string pg_admin_url();
  // An isolated Redis key prefix, "t<pid>_<counter>_<random>": append your own separator.
  std::string unique_prefix();
  // A new, empty database on the shared PostgreSQL; returns its URL.
  std::string fresh_database_url();
  // True when the servers come from CRAWLER_TEST_SERVICES rather than this process.
  bool external() const { return external_; }

 private:
  SharedServices();

  std::mutex mutex_;
  bool external_ = false;
  std::optional<std::string> redis_url_;
  std::optional<std::string> pg_admin_url_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<PostgresServer> postgres_;
};

}  // namespace crawler::testing
