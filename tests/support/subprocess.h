// Child processes for the test harness: spawn, signal, wait with a timeout, and never leak.
//
// Why fork/exec rather than posix_spawn: the harness must start PostgreSQL as the `postgres`
// user when the tests run as root, and it ties a server's life to the test process
// (PR_SET_PDEATHSIG) so a crashed test binary does not leave servers behind. Both need code
// between fork and exec, which posix_spawn cannot run. Everything the child needs (argv, envp,
// the resolved program path, uid/gid, open files) is prepared before fork, so the child makes
// only async-signal-safe system calls. A close-on-exec pipe reports a failed exec back to the
// parent, so a wrong program name throws instead of looking like "exit 127".
//
// The child gets stdin from /dev/null and no file descriptor above 2: a daemon started from
// a CTest fixture must not hold CTest's output pipe open, or CTest would wait for it forever.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crawler::testing {

// How a child ended: a normal exit with a code, or termination by a signal.
class ExitStatus {
 public:
  static ExitStatus from_exit_code(int code);
  static ExitStatus from_signal(int signal_number);
  static ExitStatus from_wait_status(int wait_status);  // as filled in by waitpid()

  bool exited() const { return !signaled_; }
  bool signaled() const { return signaled_; }
  int exit_code() const;    // throws std::logic_error when signaled()
  int term_signal() const;  // throws std::logic_error when exited()
  bool success() const { return exited() && value_ == 0; }
  std::string describe() const;  // "exited with code 3", "killed by signal 15 (Terminated)"

  bool operator==(const ExitStatus&) const = default;

 private:
  ExitStatus(bool signaled, int value) : signaled_(signaled), value_(value) {}
  bool signaled_;
  int value_;
};
std::ostream& operator<<(std::ostream& out, const ExitStatus& status);

struct SpawnOptions {
  // argv[0] is the program; without a '/', it is looked up in $PATH.
  std::vector<std::string> argv{};
  // Added to (or replacing entries of) this process's environment.
  std::map<std::string, std::string> env{};
  // Output redirects; files are created if missing and appended to. The same path for both
  // shares one descriptor, so the lines interleave in order. Unset: inherit ours.
  std::optional<std::filesystem::path> stdout_file{};
  std::optional<std::filesystem::path> stderr_file{};
  std::optional<std::filesystem::path> working_dir{};
  // Run as this OS user (needs root unless it is the current user). HOME, USER and LOGNAME
  // are set to match.
  std::optional<std::string> user{};
  // SIGKILL the child when the thread that spawned it ends (Linux PR_SET_PDEATHSIG): spawn
  // from a thread that outlives the child, such as the test's main thread.
  bool kill_with_parent = false;
};

// One child process. Destroying it while the child still runs SIGKILLs and reaps it.
class Subprocess {
 public:
  Subprocess() = default;                            // no child
  explicit Subprocess(const SpawnOptions& options);  // throws std::runtime_error
  ~Subprocess();
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }  // -1 when there is no child
  bool has_child() const { return pid_ > 0; }
  bool running();  // false once the child ended (it is reaped then)
  // Sends a signal; false if the child was already reaped (its pid may belong to another).
  bool send_signal(int signal_number);
  // Waits up to `timeout` for the child to end; nullopt if it is still running.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  ExitStatus wait();
  // Sends `signal_number`, waits up to `grace`, then SIGKILLs; returns how it ended.
  ExitStatus terminate(std::chrono::milliseconds grace, int signal_number = SIGTERM);
  std::optional<ExitStatus> exit_status() const { return status_; }

 private:
  void kill_and_reap() noexcept;
  bool try_reap();  // non-blocking waitpid; true when reaped (status_ set)

  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct CommandResult {
  ExitStatus status;
  std::string output;  // stdout and stderr, interleaved
};

// Runs a command to completion with stdout and stderr captured (replacing any redirect in
// `options`). Throws if it cannot start or is still running after `timeout` (it is killed).
CommandResult run_command(SpawnOptions options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));
// Like run_command, but throws std::runtime_error naming the command, how it ended and the
// tail of its output unless it exits 0. Returns the output.
std::string run_checked(SpawnOptions options,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));

// "prog 'arg with space' arg2": for error messages.
std::string describe_command(const std::vector<std::string>& argv);

}  // namespace crawler::testing
