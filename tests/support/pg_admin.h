// libpq helpers for tests and the harness: fresh databases, and a little SQL for setup and
// assertions. Separate from PostgresServer because a test talking to the shared server (its
// admin URL read from services.env) needs them without owning a server.
#pragma once

#include <optional>
#include <string>

namespace crawler::testing {

// Creates an empty database with a unique name ("t<pid>_<n>_<random>", from template0) via
// `admin_url` and returns its URL: same host, port and user. Throws std::runtime_error.
std::string create_database(const std::string& admin_url);
// `url` with its database replaced by `database` (postgresql://user@host:port/database).
std::string database_url(const std::string& url, const std::string& database);
// Runs SQL (several statements allowed) and throws std::runtime_error on any error.
void execute_sql(const std::string& url, const std::string& sql);
// The first column of the first row of a query, nullopt for no row or NULL. Throws on error.
std::optional<std::string> query_value(const std::string& url, const std::string& sql);
// True when a server at `conninfo` (URL or key=value) accepts connections (PQping).
bool postgres_accepts_connections(const std::string& conninfo);

}  // namespace crawler::testing
