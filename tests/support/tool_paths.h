// Where the server programs are. CMake finds them at configure time (compile definitions in
// tests/support/CMakeLists.txt); an environment variable overrides each at run time, for
// machines that keep them elsewhere.
#pragma once

#include <filesystem>
#include <string>

namespace crawler::testing {

std::string redis_server_program();        // $CRAWLER_REDIS_SERVER
std::string redis_cli_program();           // $CRAWLER_REDIS_CLI
std::string openssl_program();             // $CRAWLER_OPENSSL
std::filesystem::path postgres_bin_dir();  // $CRAWLER_PG_BINDIR (initdb, pg_ctl, postgres)

}  // namespace crawler::testing
