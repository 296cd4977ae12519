// A real PostgreSQL 15 for integration tests: initdb into a temporary directory, started on
// a free port, trust authentication on 127.0.0.1 only.
//
// PostgreSQL refuses to run as root, so when we are root, initdb and the server run as the
// `postgres` OS user and the directory is handed to that user. The unix socket lives in the
// same directory (not /var/run/postgresql), and durability is off (fsync, synchronous_commit,
// full_page_writes): a crash loses test data we never meant to keep.
//
// Two modes, as for RedisServer: by default the postmaster is our child (SIGKILLed if the test
// process dies; the destructor shuts it down and removes the directory); `detached` starts it
// with `pg_ctl start` so it outlives us, and stop_detached(dir) stops it from another process.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::testing {

struct PostgresServerOptions {
  // Start with pg_ctl so the server outlives this process; its directory is never removed.
  bool detached = false;
  // Data, log and socket directory; empty means a new temporary directory. When running as
  // root, every parent of it must be searchable by the postgres user.
  std::filesystem::path dir{};
  std::chrono::milliseconds startup_timeout{std::chrono::seconds(30)};
};

class PostgresServer {
 public:
  using Options = PostgresServerOptions;

  PostgresServer();
  explicit PostgresServer(Options options);
  // A running non-detached server is shut down (immediate mode) and its directory removed.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // initdb on first use, then start on a free port (retrying with another port if that one
  // was taken meanwhile); returns once it accepts connections. Throws std::runtime_error with
  // the log's tail.
  void start();
  // Fast shutdown: disconnects clients, then exits cleanly.
  void stop();
  // Immediate shutdown (SIGQUIT): no checkpoint, crash recovery on the next start.
  void kill();
  // stop() if running, then start again on the same port with the same data.
  void restart();
  bool running();

  int port() const;
  std::string admin_url() const;  // postgresql://postgres@127.0.0.1:PORT/postgres
  // A new, empty, uniquely named database; returns its URL.
  std::string create_database();
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path log_file() const { return dir_ / "postgres.log"; }

  // Stops a detached server whose directory is `dir` (pg_ctl stop -m fast). No-op if none runs.
  static void stop_detached(const std::filesystem::path& dir);

 private:
  enum class Launch { kReady, kPortTaken, kFailed };
  void prepare_directory();
  void initialize_cluster();
  Launch launch(std::string& failure);

  Options options_;
  std::optional<TempDir> owned_dir_;  // declared before process_: destroyed after it
  std::filesystem::path dir_;
  Subprocess process_;
  int port_ = 0;
  bool started_ = false;
  bool initialized_ = false;
};

}  // namespace crawler::testing
