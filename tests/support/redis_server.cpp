// redis-server lifecycle: arguments, launch-and-wait with port retries, stop/kill/restart.
#include "support/redis_server.h"

#include <signal.h>

#include <stdexcept>
#include <utility>

#include "support/daemon_process.h"
#include "support/files.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/tool_paths.h"
#include "support/url_encode.h"

namespace crawler::testing {
namespace {

constexpr auto kStopGrace = std::chrono::seconds(10);

std::filesystem::path pid_file(const std::filesystem::path& dir) { return dir / "redis.pid"; }

// The pid of the daemonized redis-server of `dir`, if one is running.
std::optional<pid_t> detached_pid(const std::filesystem::path& dir) {
  auto pid = read_pid_file(pid_file(dir));
  if (!pid || !process_alive(*pid)) return std::nullopt;
  // The pid file may be stale and its pid reused by an unrelated process.
  if (process_command_line(*pid).find("redis-server") == std::string::npos) return std::nullopt;
  return pid;
}

}  // namespace

RedisServer::RedisServer() : RedisServer(Options{}) {}

RedisServer::RedisServer(Options options)
    : LocalServer("RedisServer", "crawler-redis", options.dir, options.detached),
      options_(std::move(options)) {
  if (options_.tls) tls_files_ = generate_tls_files(dir_ / "tls");
}

RedisServer::~RedisServer() = default;  // process_ SIGKILLs the child, then the directory goes

void RedisServer::stop() {
  if (!started_) return;
  started_ = false;
  if (options_.detached) {
    stop_detached(dir_);
  } else if (process_.has_child()) {
    process_.terminate(kStopGrace, SIGTERM);
  }
}

void RedisServer::kill() {
  if (!started_) return;
  started_ = false;
  if (options_.detached) {
    if (auto pid = detached_pid(dir_)) stop_process(*pid, SIGKILL, kStopGrace);
  } else if (process_.has_child()) {
    process_.send_signal(SIGKILL);
    process_.wait();
  }
}

bool RedisServer::running() {
  if (options_.detached) return detached_pid(dir_).has_value();
  return process_.has_child() && process_.running();
}

RedisServer::Launch RedisServer::launch(std::string& failure) {
  const auto log = log_file();
  const std::size_t log_offset = file_size_or_zero(log);
  if (options_.detached) std::filesystem::remove(pid_file(dir_));
  const auto argv = arguments();
  Subprocess launcher(SpawnOptions{.argv = argv,
                                   .stdout_file = log,
                                   .stderr_file = log,
                                   .working_dir = dir_,
                                   .kill_with_parent = !options_.detached});
  // A daemonizing redis-server exits 0 right after forking; anything else is a failure.
  auto launcher_failed = [&] {
    if (launcher.running()) return false;
    return !options_.detached || !launcher.exit_status()->success();
  };
  bool gave_up = false;
  bool ready = poll_until(
      [&] {
        if (answers_ping()) return true;
        gave_up = launcher_failed() || says_port_taken(read_file_from(log, log_offset));
        return gave_up;
      },
      options_.startup_timeout);
  if (ready && !gave_up) {
    started_ = true;
    if (options_.detached) {
      launcher.wait_for(std::chrono::seconds(5));
    } else {
      process_ = std::move(launcher);
    }
    return Launch::kReady;
  }

  std::string what;
  if (!ready) {
    what = "did not answer PING within " + std::to_string(options_.startup_timeout.count()) + " ms";
  } else if (launcher.exit_status() && !launcher.exit_status()->success()) {
    what = launcher.exit_status()->describe() + " during startup";
  } else {
    what = "failed during startup";
  }
  if (options_.detached) {
    stop_detached(dir_);  // a daemon that did start but never answered
  } else {
    launcher.terminate(std::chrono::milliseconds(0), SIGKILL);
  }
  return launch_failed("redis-server", what + "\ncommand: " + describe_command(argv), log,
                       log_offset, failure);
}

bool RedisServer::answers_ping() {
  if (options_.tls) {
    // Skip spawning redis-cli until something listens.
    return port_is_listening(port_) && redis_tls_ping(port_, tls_files_->ca_cert, auth());
  }
  return redis_ping(port_, auth(), std::chrono::seconds(1));
}

std::vector<std::string> RedisServer::arguments() const {
  const std::string port = std::to_string(port_);
  std::vector<std::string> args = {redis_server_program(), "--bind",    "127.0.0.1",        "--dir",
                                   dir_.string(),          "--logfile", log_file().string()};
  if (options_.tls) {
    args.insert(args.end(), {"--port", "0", "--tls-port", port, "--tls-cert-file",
                             tls_files_->server_cert.string(), "--tls-key-file",
                             tls_files_->server_key.string(), "--tls-ca-cert-file",
                             tls_files_->ca_cert.string(), "--tls-auth-clients", "no"});
  } else {
    args.insert(args.end(), {"--port", port});
  }
  if (options_.persistence) {
    args.insert(args.end(), {"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  } else {
    args.insert(args.end(), {"--save", "", "--appendonly", "no"});
  }
  if (options_.password) args.insert(args.end(), {"--requirepass", *options_.password});
  if (options_.acl_user) {
    args.insert(args.end(), {"--user", options_.acl_user->name, "on",
                             ">" + options_.acl_user->password, "~*", "&*", "+@all"});
  }
  if (options_.detached) {
    args.insert(args.end(), {"--daemonize", "yes", "--pidfile", pid_file(dir_).string()});
  } else {
    args.insert(args.end(), {"--daemonize", "no"});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  return args;
}

std::string RedisServer::url() const {
  if (options_.tls) throw std::logic_error("RedisServer::url: TLS-only server; use tls_url()");
  return "redis://127.0.0.1:" + std::to_string(port());
}

std::string RedisServer::tls_url() const {
  if (!options_.tls) throw std::logic_error("RedisServer::tls_url: server was started without tls");
  return "rediss://127.0.0.1:" + std::to_string(port());
}

std::string RedisServer::authenticated_url() const {
  std::string userinfo;
  if (options_.acl_user) {
    userinfo = percent_encode(options_.acl_user->name) + ":" +
               percent_encode(options_.acl_user->password) + "@";
  } else if (options_.password) {
    userinfo = ":" + percent_encode(*options_.password) + "@";
  }
  return std::string(options_.tls ? "rediss://" : "redis://") + userinfo +
         "127.0.0.1:" + std::to_string(port());
}

RedisAuth RedisServer::auth() const {
  if (options_.acl_user) return {options_.acl_user->name, options_.acl_user->password};
  if (options_.password) return {std::nullopt, options_.password};
  return {};
}

std::filesystem::path RedisServer::ca_file() const {
  if (!tls_files_) throw std::logic_error("RedisServer::ca_file: server was created without tls");
  return tls_files_->ca_cert;
}

void RedisServer::stop_detached(const std::filesystem::path& dir) {
  auto pid = detached_pid(dir);
  if (!pid) return;
  if (!stop_process(*pid, SIGTERM, kStopGrace)) {
    throw std::runtime_error("cannot stop redis-server pid " + std::to_string(*pid) + " of " +
                             dir.string());
  }
}

}  // namespace crawler::testing
