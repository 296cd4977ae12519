// fork/exec with everything prepared before fork (see subprocess.h for why not posix_spawn).
#include "support/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "support/files.h"
#include "support/temp_dir.h"

extern char** environ;

namespace crawler::testing {

// ---- ExitStatus ----

ExitStatus ExitStatus::from_exit_code(int code) { return ExitStatus(false, code); }
ExitStatus ExitStatus::from_signal(int signal_number) { return ExitStatus(true, signal_number); }

ExitStatus ExitStatus::from_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return from_exit_code(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return from_signal(WTERMSIG(wait_status));
  throw std::logic_error("wait status " + std::to_string(wait_status) +
                         " is neither an exit nor a signal");
}

int ExitStatus::exit_code() const {
  if (signaled_) throw std::logic_error("exit_code() of a process that was " + describe());
  return value_;
}

int ExitStatus::term_signal() const {
  if (!signaled_) throw std::logic_error("term_signal() of a process that " + describe());
  return value_;
}

std::string ExitStatus::describe() const {
  if (!signaled_) return "exited with code " + std::to_string(value_);
  const char* name = ::strsignal(value_);
  return "killed by signal " + std::to_string(value_) + " (" + (name ? name : "?") + ")";
}

std::ostream& operator<<(std::ostream& out, const ExitStatus& status) {
  return out << status.describe();
}

// ---- spawning ----

namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

[[noreturn]] void throw_errno(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::strerror(error));
}

Fd open_output(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot open " + path.string() + " for a child's output", errno);
  return Fd(fd);
}

std::string resolve_program(const std::string& name) {
  if (name.empty()) throw std::runtime_error("cannot spawn: empty program name");
  if (name.find('/') != std::string::npos) return name;
  const char* path_env = std::getenv("PATH");
  std::string search = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t begin = 0;
  for (;;) {
    std::size_t end = search.find(':', begin);
    std::string dir = search.substr(begin, end == std::string::npos ? end : end - begin);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  throw std::runtime_error("cannot spawn " + name + ": not found in PATH (" + search + ")");
}

struct Identity {
  uid_t uid;
  gid_t gid;
  std::string home;
};

std::optional<Identity> resolve_user(const std::optional<std::string>& user) {
  if (!user) return std::nullopt;
  long size_hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size_hint > 0 ? static_cast<std::size_t>(size_hint) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int error = ::getpwnam_r(user->c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    throw std::runtime_error("cannot run as user '" + *user +
                             "': " + (error ? std::strerror(error) : "no such user"));
  }
  if (found->pw_uid != ::geteuid() && ::geteuid() != 0) {
    throw std::runtime_error("cannot run as user '" + *user + "' without root privileges");
  }
  return Identity{found->pw_uid, found->pw_gid, found->pw_dir ? found->pw_dir : "/"};
}

std::vector<std::string> build_environment(const SpawnOptions& options,
                                           const std::optional<Identity>& identity) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  }
  if (identity) {
    env["HOME"] = identity->home;
    env["USER"] = env["LOGNAME"] = *options.user;
  }
  for (const auto& [key, value] : options.env) env[key] = value;
  std::vector<std::string> result;
  result.reserve(env.size());
  for (const auto& [key, value] : env) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

void close_fds_except(int keep) {
  // close_range is one system call; the loop is a fallback for old kernels.
  if (::close_range(3, static_cast<unsigned>(keep) - 1, 0) == 0 &&
      ::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0) == 0) {
    return;
  }
  for (int fd = 3; fd < 65536; ++fd) {
    if (fd != keep) ::close(fd);
  }
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void child_exec(const char* program, char* const* argv, char* const* envp,
                             int stdin_fd, int stdout_fd, int stderr_fd, const char* working_dir,
                             const Identity* identity, bool kill_with_parent, pid_t parent,
                             int error_fd) {
  auto fail = [error_fd](const char* step) {
    int error = errno;
    char step_code = step[0];
    [[maybe_unused]] ssize_t written = ::write(error_fd, &step_code, 1);
    written = ::write(error_fd, &error, sizeof error);
    ::_exit(127);
  };
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);

  if (::dup2(stdin_fd, 0) < 0) fail("i");
  if (stdout_fd >= 0 && ::dup2(stdout_fd, 1) < 0) fail("o");
  if (stderr_fd >= 0 && ::dup2(stderr_fd, 2) < 0) fail("e");
  if (working_dir != nullptr && ::chdir(working_dir) != 0) fail("d");
  if (identity != nullptr && identity->uid != ::geteuid()) {
    if (::setgroups(1, &identity->gid) != 0) fail("u");
    if (::setgid(identity->gid) != 0) fail("u");
    if (::setuid(identity->uid) != 0) fail("u");
  }
  // After setuid: a credential change clears the parent-death signal.
  if (kill_with_parent) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("p");
    if (::getppid() != parent) ::_exit(127);  // the parent already died
  }
  close_fds_except(error_fd);
  ::execve(program, argv, envp);
  fail("x");
  ::_exit(127);  // not reached
}

std::string describe_step(char step) {
  switch (step) {
    case 'i':
      return "redirect stdin";
    case 'o':
      return "redirect stdout";
    case 'e':
      return "redirect stderr";
    case 'd':
      return "change directory";
    case 'u':
      return "switch user";
    case 'p':
      return "set the parent-death signal";
    default:
      return "exec";
  }
}

}  // namespace

std::string describe_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$") == std::string::npos;
    text += plain ? arg : "'" + arg + "'";
  }
  return text;
}

Subprocess::Subprocess(const SpawnOptions& options) {
  if (options.argv.empty()) throw std::runtime_error("cannot spawn: empty argv");
  const std::string program = resolve_program(options.argv.front());
  const auto identity = resolve_user(options.user);
  std::vector<std::string> argv_strings = options.argv;
  std::vector<std::string> env_strings = build_environment(options, identity);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  const std::string working_dir = options.working_dir ? options.working_dir->string() : "";

  Fd dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) throw_errno("cannot open /dev/null", errno);
  Fd out_file = options.stdout_file ? open_output(*options.stdout_file) : Fd();
  Fd err_file = options.stderr_file && options.stderr_file != options.stdout_file
                    ? open_output(*options.stderr_file)
                    : Fd();
  const int stderr_fd =
      options.stderr_file
          ? (options.stderr_file == options.stdout_file ? out_file.get() : err_file.get())
          : -1;

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("cannot create a pipe", errno);
  Fd error_read(pipe_fds[0]);
  Fd error_write(pipe_fds[1]);

  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw_errno("cannot fork for " + describe_command(options.argv), errno);
  if (child == 0) {
    child_exec(program.c_str(), argv.data(), envp.data(), dev_null.get(), out_file.get(), stderr_fd,
               working_dir.empty() ? nullptr : working_dir.c_str(), identity ? &*identity : nullptr,
               options.kill_with_parent, parent, error_write.get());
  }
  pid_ = child;
  error_write.reset();

  // EOF means exec succeeded (the close-on-exec pipe closed); otherwise a step code and errno.
  char report[1 + sizeof(int)];
  std::size_t got = 0;
  while (got < sizeof report) {
    ssize_t n = ::read(error_read.get(), report + got, sizeof report - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got == 0) return;
  int error = 0;
  if (got == sizeof report) std::memcpy(&error, report + 1, sizeof error);
  wait();
  pid_ = -1;
  status_.reset();
  throw std::runtime_error("cannot start " + describe_command(options.argv) + ": " +
                           describe_step(report[0]) + " failed: " + std::strerror(error));
}

Subprocess::~Subprocess() { kill_and_reap(); }

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(std::exchange(other.status_, std::nullopt)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    status_ = std::exchange(other.status_, std::nullopt);
  }
  return *this;
}

bool Subprocess::try_reap() {
  if (status_) return true;
  if (pid_ <= 0) throw std::logic_error("Subprocess: no child");
  int wait_status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &wait_status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result < 0) throw_errno("waitpid(" + std::to_string(pid_) + ")", errno);
  if (result == 0) return false;
  status_ = ExitStatus::from_wait_status(wait_status);
  return true;
}

bool Subprocess::running() { return pid_ > 0 && !try_reap(); }

bool Subprocess::send_signal(int signal_number) {
  if (pid_ <= 0 || status_) return false;
  if (::kill(pid_, signal_number) != 0) {
    throw_errno(
        "cannot send signal " + std::to_string(signal_number) + " to pid " + std::to_string(pid_),
        errno);
  }
  return true;
}

std::optional<ExitStatus> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto interval = std::chrono::milliseconds(1);
  while (!try_reap()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    interval = std::min(interval * 2, std::chrono::milliseconds(25));
  }
  return status_;
}

ExitStatus Subprocess::wait() {
  if (status_) return *status_;
  if (pid_ <= 0) throw std::logic_error("Subprocess::wait: no child");
  int wait_status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &wait_status, 0);
  } while (result < 0 && errno == EINTR);
  if (result < 0) throw_errno("waitpid(" + std::to_string(pid_) + ")", errno);
  status_ = ExitStatus::from_wait_status(wait_status);
  return *status_;
}

ExitStatus Subprocess::terminate(std::chrono::milliseconds grace, int signal_number) {
  send_signal(signal_number);
  if (auto status = wait_for(grace)) return *status;
  send_signal(SIGKILL);
  return wait();
}

void Subprocess::kill_and_reap() noexcept {
  if (pid_ <= 0 || status_) return;
  ::kill(pid_, SIGKILL);
  int ignored = 0;
  while (::waitpid(pid_, &ignored, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

// ---- run to completion ----

CommandResult run_command(SpawnOptions options, std::chrono::milliseconds timeout) {
  TempDir capture_dir("crawler-cmd");
  const auto capture = capture_dir.path() / "output";
  options.stdout_file = capture;
  options.stderr_file = capture;
  Subprocess child(options);
  auto status = child.wait_for(timeout);
  if (!status) {
    child.terminate(std::chrono::milliseconds(0), SIGKILL);
    throw std::runtime_error(describe_command(options.argv) + " did not finish within " +
                             std::to_string(timeout.count()) + " ms; output tail:\n" +
                             file_tail(capture));
  }
  return CommandResult{*status, read_file(capture)};
}

std::string run_checked(SpawnOptions options, std::chrono::milliseconds timeout) {
  const auto argv = options.argv;
  CommandResult result = run_command(std::move(options), timeout);
  if (!result.status.success()) {
    throw std::runtime_error(describe_command(argv) + " " + result.status.describe() +
                             "; output tail:\n" + text_tail(result.output));
  }
  return std::move(result.output);
}

}  // namespace crawler::testing
