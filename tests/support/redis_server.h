// A real redis-server for integration tests, in its own temporary directory on a free port.
//
// Two modes. The default runs redis-server as our child: it dies with the test process
// (even on a crash, via PR_SET_PDEATHSIG) and the destructor removes its directory. The
// `detached` mode (used by `crawler-test-services`) daemonizes it with a pid file so it
// outlives us; RedisServer::stop_detached(dir) stops it later from another process.
//
// restart() reuses the port (local_server.h). Without `persistence` the data is gone after a
// restart
// (--save '' --appendonly no); with it, every write is in the append-only file first.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/local_server.h"
#include "support/redis_ping.h"
#include "support/subprocess.h"
#include "support/tls_certs.h"

namespace crawler::testing {

struct RedisAclUser {
  std::string name;
  std::string password;
};

struct RedisServerOptions {
  // TLS only: the port speaks TLS (plain port 0), with a throwaway CA (see ca_file()).
  // Clients are not asked for certificates.
  bool tls = false;
  // Keep data across stop()/kill()/restart(): appendonly with fsync on every write.
  bool persistence = false;
  // requirepass for the default user.
  std::optional<std::string> password{};
  // An extra ACL user with all permissions (~* &* +@all).
  std::optional<RedisAclUser> acl_user{};
  // Daemonize so the server outlives this process; the directory is then never removed.
  bool detached = false;
  // Working directory (data, log, certificates); empty means a new temporary directory.
  std::filesystem::path dir{};
  // More redis-server arguments, e.g. {"--maxmemory", "10mb"}.
  std::vector<std::string> extra_args{};
  std::chrono::milliseconds startup_timeout{std::chrono::seconds(10)};
};

class RedisServer : public LocalServer {
 public:
  using Options = RedisServerOptions;

  RedisServer();
  explicit RedisServer(Options options);
  // A running non-detached server is killed and its temporary directory removed.
  ~RedisServer() override;

  // start() and restart() (LocalServer) return once the server answers PING.
  // SIGTERM and wait for it to exit (SIGKILL after 10 s).
  void stop() override;
  // SIGKILL: the "crashed" server.
  void kill() override;
  bool running() override;

  // port() is the TLS port when tls.
  std::string url() const;      // redis://127.0.0.1:PORT (throws std::logic_error if tls)
  std::string tls_url() const;  // rediss://127.0.0.1:PORT (throws std::logic_error unless tls)
  // url() or tls_url() with the configured credentials: redis[s]://[user]:password@...
  std::string authenticated_url() const;
  RedisAuth auth() const;                 // for redis_ping(): the ACL user, else the password
  std::filesystem::path ca_file() const;  // throws std::logic_error unless tls
  std::filesystem::path log_file() const { return dir_ / "redis.log"; }
  const Options& options() const { return options_; }

  // Stops a detached server whose directory is `dir` (via its pid file). No-op if none runs.
  static void stop_detached(const std::filesystem::path& dir);

 private:
  Launch launch(std::string& failure) override;
  bool answers_ping();
  std::vector<std::string> arguments() const;

  Options options_;
  std::optional<TlsFiles> tls_files_;
  Subprocess process_;
};

}  // namespace crawler::testing
