// SharedServices: services.env when CTest's fixture provides one, else lazily started
// servers owned by this process.
#include "support/services.h"

#include <cstdlib>

#include "support/env_file.h"
#include "support/pg_admin.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/unique_name.h"

namespace crawler::testing {

SharedServices& SharedServices::get() {
  static SharedServices instance;
  return instance;
}

SharedServices::SharedServices() {
  const char* file = std::getenv("CRAWLER_TEST_SERVICES");
  if (file == nullptr || *file == '\0') return;
  const std::filesystem::path path(file);
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error("CRAWLER_TEST_SERVICES=" + path.string() +
                             " does not exist: did the services_start fixture run? (unset the "
                             "variable to let the test start its own servers)");
  }
  const EnvMap values = read_env_file(path);
  redis_url_ = require_key(values, "REDIS_URL", path);
  pg_admin_url_ = require_key(values, "PG_ADMIN_URL", path);
  external_ = true;
}

SharedServices::~SharedServices() = default;

std::string SharedServices::redis_url() {
  std::lock_guard lock(mutex_);
  if (!redis_url_) {
    auto server = std::make_unique<RedisServer>();
    server->start();
    redis_url_ = server->url();
    redis_ = std::move(server);
  }
  return *redis_url_;
}

std::string SharedServices::pg_admin_url() {
  std::lock_guard lock(mutex_);
  if (!pg_admin_url_) {
    auto server = std::make_unique<PostgresServer>();
    server->start();
    pg_admin_url_ = server->admin_url();
    postgres_ = std::move(server);
  }
  return *pg_admin_url_;
}

std::string SharedServices::unique_prefix() { return unique_name("t"); }

std::string SharedServices::fresh_database_url() { return create_database(pg_admin_url()); }

}  // namespace crawler::testing
