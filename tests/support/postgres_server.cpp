// PostgreSQL lifecycle: directory ownership, initdb + config, launch-and-wait with port
// retries, and the pg_ctl paths of the detached mode.
#include "support/postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/daemon_process.h"
#include "support/files.h"
#include "support/pg_admin.h"
#include "support/poll.h"
#include "support/tool_paths.h"

namespace crawler::testing {
namespace {

constexpr auto kStopGrace = std::chrono::seconds(30);
constexpr const char* kServerUser = "postgres";

// Who runs initdb and the server: the postgres user when we are root, else ourselves.
std::optional<std::string> server_user() {
  return ::geteuid() == 0 ? std::optional<std::string>(kServerUser) : std::nullopt;
}

std::string program(const char* name) { return (postgres_bin_dir() / name).string(); }

std::string conninfo(int port) {
  return "host=127.0.0.1 port=" + std::to_string(port) +
         " user=postgres dbname=postgres connect_timeout=2";
}

std::pair<uid_t, gid_t> server_ids() {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  ::getpwnam_r(kServerUser, &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    throw std::runtime_error(std::string("running as root needs the '") + kServerUser +
                             "' OS user to run PostgreSQL, and there is none");
  }
  return {found->pw_uid, found->pw_gid};
}

void give_to_server_user(const std::filesystem::path& path, uid_t uid, gid_t gid) {
  if (::chown(path.c_str(), uid, gid) != 0) {
    throw std::runtime_error("cannot give " + path.string() +
                             " to the postgres user: " + std::strerror(errno));
  }
}

// The postgres user must be able to walk down to `dir`.
void check_reachable(const std::filesystem::path& dir, uid_t uid) {
  for (auto parent = dir.parent_path(); !parent.empty(); parent = parent.parent_path()) {
    struct stat info {};
    if (::stat(parent.c_str(), &info) == 0 && info.st_uid != uid && !(info.st_mode & S_IXOTH)) {
      throw std::runtime_error("the postgres user cannot reach " + dir.string() + ": " +
                               parent.string() +
                               " is not searchable by others; use a directory under /tmp");
    }
    if (parent == parent.root_path()) break;
  }
}

std::string config_lines(const std::filesystem::path& socket_dir) {
  return "\n# added by the crawler test harness\n"
         "listen_addresses = '127.0.0.1'\n"
         "unix_socket_directories = '" +
         socket_dir.string() +
         "'\n"
         "fsync = off\n"
         "synchronous_commit = off\n"
         "full_page_writes = off\n"
         "max_connections = 200\n"
         "shared_buffers = 32MB\n"
         "logging_collector = off\n"
         "log_line_prefix = '%m [%p] %q%u@%d '\n";
}

constexpr const char* kHbaConfig =
    "# written by the crawler test harness: trust, loopback and unix socket only\n"
    "local all all trust\n"
    "host all all 127.0.0.1/32 trust\n";

CommandResult pg_ctl(const std::filesystem::path& dir, std::vector<std::string> args,
                     std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {program("pg_ctl"), "-D", (dir / "data").string()});
  return run_command(
      SpawnOptions{.argv = std::move(args), .working_dir = dir, .user = server_user()}, timeout);
}

bool detached_running(const std::filesystem::path& dir) {
  auto pid = read_pid_file(dir / "data" / "postmaster.pid");
  return pid && process_alive(*pid);
}

// pg_ctl stop in `mode`; if that fails, signal the postmaster directly.
void stop_detached_in_mode(const std::filesystem::path& dir, const std::string& mode) {
  if (!detached_running(dir)) return;
  CommandResult result =
      pg_ctl(dir, {"-m", mode, "-w", "-t", "60", "stop"}, std::chrono::seconds(70));
  if (result.status.success()) return;
  auto pid = read_pid_file(dir / "data" / "postmaster.pid");
  if (pid && !stop_process(*pid, SIGQUIT, std::chrono::seconds(10))) {
    throw std::runtime_error("cannot stop PostgreSQL in " + dir.string() + ": pg_ctl " +
                             result.status.describe() + ":\n" + text_tail(result.output));
  }
}

// A given directory made absolute, checked (when running as root) before anything is created.
std::filesystem::path reachable_dir(const std::filesystem::path& dir) {
  if (dir.empty()) return dir;
  auto absolute = std::filesystem::absolute(dir);
  if (server_user()) check_reachable(absolute, server_ids().first);
  return absolute;
}

}  // namespace

PostgresServer::PostgresServer(Options options)
    : LocalServer("PostgresServer", "crawler-pg", reachable_dir(options.dir), options.detached),
      options_(std::move(options)) {
  prepare_directory();
}

PostgresServer::PostgresServer() : PostgresServer(Options{}) {}

PostgresServer::~PostgresServer() {
  if (options_.detached || !process_.has_child()) return;
  try {
    process_.terminate(std::chrono::seconds(10), SIGQUIT);
  } catch (...) {
    // The Subprocess destructor still SIGKILLs it.
  }
}

void PostgresServer::prepare_directory() {
  if (!server_user()) return;
  const auto [uid, gid] = server_ids();
  check_reachable(dir_, uid);
  give_to_server_user(dir_, uid, gid);
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
  // pg_ctl (as postgres) appends to the log, so postgres must own it.
  if (!std::filesystem::exists(log_file())) append_file(log_file(), "");
  give_to_server_user(log_file(), uid, gid);
}

void PostgresServer::initialize_cluster() {
  if (std::filesystem::exists(data_dir() / "PG_VERSION")) {
    initialized_ = true;
    return;
  }
  run_checked(SpawnOptions{.argv = {program("initdb"), "-D", data_dir().string(), "-U", "postgres",
                                    "--auth=trust", "--no-sync", "--no-locale", "--encoding=UTF8",
                                    "--no-instructions"},
                           .working_dir = dir_,
                           .user = server_user()},
              std::chrono::seconds(120));
  // Appending and truncating keep the files' owner (postgres).
  append_file(data_dir() / "postgresql.conf", config_lines(dir_));
  write_file(data_dir() / "pg_hba.conf", kHbaConfig);
  initialized_ = true;
}

void PostgresServer::stop() {
  if (!started_) return;
  started_ = false;
  if (options_.detached) {
    stop_detached(dir_);
  } else if (process_.has_child()) {
    process_.terminate(kStopGrace, SIGINT);  // SIGINT is "fast" shutdown
  }
}

void PostgresServer::kill() {
  if (!started_) return;
  started_ = false;
  if (options_.detached) {
    stop_detached_in_mode(dir_, "immediate");
  } else if (process_.has_child()) {
    process_.terminate(std::chrono::seconds(10), SIGQUIT);  // SIGQUIT is "immediate"
  }
}

bool PostgresServer::running() {
  if (options_.detached) return detached_running(dir_);
  return process_.has_child() && process_.running();
}

PostgresServer::Launch PostgresServer::launch(std::string& failure) {
  if (!initialized_) initialize_cluster();
  const auto log = log_file();
  const std::size_t log_offset = file_size_or_zero(log);
  const std::string port = std::to_string(port_);
  std::string what;
  std::string extra;

  if (options_.detached) {
    const auto seconds = std::to_string((options_.startup_timeout.count() + 999) / 1000);
    CommandResult result =
        pg_ctl(dir_, {"-l", log.string(), "-o", "-p " + port, "-w", "-t", seconds, "start"},
               options_.startup_timeout + std::chrono::seconds(10));
    if (result.status.success() &&
        poll_until([&] { return postgres_accepts_connections(conninfo(port_)); },
                   std::chrono::seconds(5))) {
      started_ = true;
      return Launch::kReady;
    }
    what = "pg_ctl start " + result.status.describe();
    extra = "\npg_ctl output:\n" + text_tail(result.output, 10);
    stop_detached_in_mode(dir_, "immediate");
  } else {
    const std::vector<std::string> argv = {program("postgres"), "-D", data_dir().string(), "-p",
                                           port};
    Subprocess postmaster(SpawnOptions{.argv = argv,
                                       .stdout_file = log,
                                       .stderr_file = log,
                                       .working_dir = dir_,
                                       .user = server_user(),
                                       .kill_with_parent = true});
    bool exited = false;
    bool ready = poll_until(
        [&] {
          if (postgres_accepts_connections(conninfo(port_))) return true;
          exited = !postmaster.running();
          return exited;
        },
        options_.startup_timeout);
    if (ready && !exited) {
      process_ = std::move(postmaster);
      started_ = true;
      return Launch::kReady;
    }
    what = exited ? postmaster.exit_status()->describe() + " during startup"
                  : "did not accept connections within " +
                        std::to_string(options_.startup_timeout.count()) + " ms";
    extra = "\ncommand: " + describe_command(argv);
    if (!exited) postmaster.terminate(std::chrono::seconds(5), SIGQUIT);
  }

  return launch_failed("PostgreSQL", what + extra, log, log_offset, failure);
}

std::string PostgresServer::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port()) + "/postgres";
}

std::string PostgresServer::create_database() {
  return crawler::testing::create_database(admin_url());
}

void PostgresServer::stop_detached(const std::filesystem::path& dir) {
  stop_detached_in_mode(dir, "fast");
}

}  // namespace crawler::testing
