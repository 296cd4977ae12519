// Configure-time defaults with environment overrides.
#include "support/tool_paths.h"

#include <cstdlib>

#ifndef CRAWLER_TEST_REDIS_SERVER
#define CRAWLER_TEST_REDIS_SERVER "redis-server"
#endif
#ifndef CRAWLER_TEST_REDIS_CLI
#define CRAWLER_TEST_REDIS_CLI "redis-cli"
#endif
#ifndef CRAWLER_TEST_OPENSSL
#define CRAWLER_TEST_OPENSSL "openssl"
#endif
#ifndef CRAWLER_TEST_PG_BINDIR
#define CRAWLER_TEST_PG_BINDIR "/usr/lib/postgresql/15/bin"
#endif

namespace crawler::testing {
namespace {

std::string from_env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

std::string redis_server_program() {
  return from_env("CRAWLER_REDIS_SERVER", CRAWLER_TEST_REDIS_SERVER);
}
std::string redis_cli_program() { return from_env("CRAWLER_REDIS_CLI", CRAWLER_TEST_REDIS_CLI); }
std::string openssl_program() { return from_env("CRAWLER_OPENSSL", CRAWLER_TEST_OPENSSL); }
std::filesystem::path postgres_bin_dir() {
  return from_env("CRAWLER_PG_BINDIR", CRAWLER_TEST_PG_BINDIR);
}

}  // namespace crawler::testing
