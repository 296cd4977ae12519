// Schema migrations compiled into the binary (src/store/postgres/migrations/NNNN_name.sql).
//
// Each migration runs in its own transaction and is recorded in schema_migrations. The whole
// run holds a session-level advisory lock, so several replicas starting together (api tasks
// after a deploy) apply each migration exactly once: the others wait, then find nothing to do.
// A migration that fails rolls back and stops the run; later ones are not attempted.
#pragma once

#include <string>
#include <vector>

#include "core/embedded.h"
#include "store/postgres/connection.h"

namespace crawler::store::postgres {

struct Migration {
  int version;
  std::string name;
  std::string_view sql;
};

// The compiled-in migrations, ordered by version. Throws if two share a version or a file
// name does not start with a number.
std::vector<Migration> builtin_migrations();
std::vector<Migration> parse_migrations(const std::vector<EmbeddedFile>& files);

struct MigrationReport {
  std::vector<std::string> applied;  // "0001_initial", ...
  int current_version = 0;
};

MigrationReport migrate(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace crawler::store::postgres
