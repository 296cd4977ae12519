// A real PostgreSQL 15 for integration tests: initdb into a temporary directory, started on
// a free port, trust authentication on 127.0.0.1 only.
//
// PostgreSQL refuses to run as root, so when we are root, initdb and the server run as the
// `postgres` OS user and the directory is handed to that user. The unix socket lives in the
// same directory (not /var/run/postgresql), and durability is off (fsync, synchronous_commit,
// full_page_writes): a crash loses test data we never meant to keep.
//
// Two modes, as for RedisServer (directory and port: local_server.h): by default the postmaster is
// our child (SIGKILLed if the test process dies; the destructor shuts it down and removes the
// directory); `detached` starts it with `pg_ctl start` so it outlives us, and stop_detached(dir)
// stops it from another process.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "support/local_server.h"
#include "support/subprocess.h"

namespace crawler::testing {

struct PostgresServerOptions {
  // Start with pg_ctl so the server outlives this process; its directory is never removed.
  bool detached = false;
  // Data, log and socket directory; empty means a new temporary directory. When running as
  // root, every parent of it must be searchable by the postgres user.
  std::filesystem::path dir{};
  std::chrono::milliseconds startup_timeout{std::chrono::seconds(30)};
};

class PostgresServer : public LocalServer {
 public:
  using Options = PostgresServerOptions;

  PostgresServer();
  explicit PostgresServer(Options options);
  // A running non-detached server is shut down (immediate mode) and its directory removed.
  ~PostgresServer() override;

  // start() (LocalServer) runs initdb on first use and returns once the server accepts
  // connections; restart() keeps the port and the data.
  // Fast shutdown: disconnects clients, then exits cleanly.
  void stop() override;
  // Immediate shutdown (SIGQUIT): no checkpoint, crash recovery on the next start.
  void kill() override;
  bool running() override;

  std::string admin_url() const;  // postgresql://postgres@127.0.0.1:PORT/postgres
  // A new, empty, uniquely named database; returns its URL.
  std::string create_database();
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path log_file() const { return dir_ / "postgres.log"; }

  // Stops a detached server whose directory is `dir` (pg_ctl stop -m fast). No-op if none runs.
  static void stop_detached(const std::filesystem::path& dir);

 private:
  void prepare_directory();
  void initialize_cluster();
  Launch launch(std::string& failure) override;

  Options options_;
  Subprocess process_;
  bool initialized_ = false;
};

}  // namespace crawler::testing
