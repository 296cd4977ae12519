// crawler-test-services: starts and stops the Redis and PostgreSQL that a whole CTest run
// shares (the services_start / services_stop fixtures in tests/support/CMakeLists.txt).
//
//   crawler-test-services start <dir>   start both detached, write <dir>/services.env, exit 0
//   crawler-test-services stop <dir>    stop both, remove their data; succeeds if none run
//
// The servers' data lives in a temporary directory (see temp_dir.h for why not <dir>);
// services.env records it as CRAWLER_SERVICES_ROOT so `stop` can find it. `start` first stops
// whatever a previous, interrupted run left behind in <dir>.
#include <sys/stat.h>

#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include "support/env_file.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

namespace {

using crawler::testing::EnvMap;
using crawler::testing::PostgresServer;
using crawler::testing::RedisServer;
namespace fs = std::filesystem;

fs::path env_path(const fs::path& dir) { return dir / "services.env"; }

// Stops what <dir>/services.env describes and removes its data. Returns false on failure.
bool stop_services(const fs::path& dir) {
  const fs::path env = env_path(dir);
  if (!fs::exists(env)) {
    std::cout << "crawler-test-services: nothing to stop in " << dir.string() << "\n";
    return true;
  }
  EnvMap values = crawler::testing::read_env_file(env);
  const fs::path root = values["CRAWLER_SERVICES_ROOT"];
  bool ok = true;
  if (!root.empty()) {
    try {
      RedisServer::stop_detached(root / "redis");
    } catch (const std::exception& e) {
      std::cerr << "crawler-test-services: " << e.what() << "\n";
      ok = false;
    }
    try {
      PostgresServer::stop_detached(root / "postgres");
    } catch (const std::exception& e) {
      std::cerr << "crawler-test-services: " << e.what() << "\n";
      ok = false;
    }
    if (ok) {
      std::error_code ignored;
      fs::remove_all(root, ignored);
    }
  }
  if (ok) fs::remove(env);
  std::cout << "crawler-test-services: stopped the services of " << dir.string() << "\n";
  return ok;
}

void start_services(const fs::path& dir) {
  fs::create_directories(dir);
  if (!stop_services(dir)) throw std::runtime_error("cannot stop the previous services first");

  crawler::testing::TempDir root("crawler-services");
  // The postgres user must be able to pass through to its own subdirectory.
  fs::permissions(root.path(),
                  fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);

  RedisServer redis(RedisServer::Options{.detached = true, .dir = root.path() / "redis"});
  redis.start();
  try {
    PostgresServer postgres(
        PostgresServer::Options{.detached = true, .dir = root.path() / "postgres"});
    postgres.start();
    const EnvMap values = {{"REDIS_URL", redis.url()},
                           {"PG_ADMIN_URL", postgres.admin_url()},
                           {"CRAWLER_SERVICES_ROOT", root.path().string()}};
    crawler::testing::write_env_file(env_path(dir), values);
    for (const auto& [key, value] : values) std::cout << key << "=" << value << "\n";
  } catch (...) {
    try {
      RedisServer::stop_detached(redis.dir());
      PostgresServer::stop_detached(root.path() / "postgres");
    } catch (const std::exception& e) {
      std::cerr << "crawler-test-services: cleanup after a failed start: " << e.what() << "\n";
    }
    throw;  // root's destructor removes the data
  }
  root.release();
}

int usage() {
  std::cerr << "usage: crawler-test-services start|stop <dir>\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return usage();
  const std::string command = argv[1];
  const fs::path dir = fs::absolute(argv[2]);
  try {
    if (command == "start") {
      start_services(dir);
      return 0;
    }
    if (command == "stop") return stop_services(dir) ? 0 : 1;
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "crawler-test-services " << command << ": " << e.what() << "\n";
    return 1;
  }
}
