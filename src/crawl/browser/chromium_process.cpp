#include "crawl/browser/chromium_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace crawler::crawl::browser {
namespace {

std::vector<std::string> chromium_args(const ChromiumOptions& o,
                                       const std::filesystem::path& profile) {
  std::vector<std::string> args = {
      o.executable,
      "--headless=new",
      "--no-sandbox",  // runs as root in containers; the page is isolated by the SSRF guard
      "--remote-debugging-pipe",
      "--disable-gpu",
      "--disable-dev-shm-usage",  // small /dev/shm in containers
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--disable-default-apps",
      "--no-first-run",
      "--no-default-browser-check",
      "--mute-audio",
      "--hide-scrollbars",
      // Chromium 156 builds WebUI toolbar pieces for every new window, headless or not: they
      // doubled the renderer CPU and memory of each job here (bench/RESULTS.md, "Browser
      // path"). Puppeteer turns them off by default too.
      "--disable-features=WebUIReloadButton,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
      "--user-data-dir=" + profile.string(),
  };
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  args.push_back("about:blank");
  return args;
}

// Whether the main process has exited, without reaping it: while it is unreaped its pid
// cannot be reused, so kill(-pid) still names our process group.
bool exited(pid_t pid) {
  siginfo_t info{};
  info.si_pid = 0;
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return errno == ECHILD;
  return info.si_pid == pid;
}

}  // namespace

ChromiumProcess::ChromiumProcess(const ChromiumOptions& options) {
  // Under TMPDIR when set (a test or a task can tell its browsers apart by that path).
  std::string tmpl = (std::filesystem::temp_directory_path() / "crawler-chromium-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot create a Chromium profile directory in " + tmpl);
  profile_dir_ = tmpl;

  int to_browser[2], from_browser[2];
  if (::pipe2(to_browser, O_CLOEXEC) != 0 || ::pipe2(from_browser, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const auto args = chromium_args(options, profile_dir_);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the worker blocks SIGTERM; Chromium must not
    ::dup2(to_browser[0], 3);
    ::dup2(from_browser[1], 4);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also from the parent: no race with the first kill(-pgid)
  ::close(to_browser[0]);
  ::close(from_browser[1]);
  client_ = std::make_unique<CdpClient>(to_browser[1], from_browser[0]);
  try {
    auto version = client_->call("Browser.getVersion", {}, {}, options.start_timeout);
    if (const auto* p = version.if_contains("product"); p && p->is_string())
      product_ = std::string(p->as_string());
  } catch (const CdpError& e) {
    stop(std::chrono::milliseconds(0));
    throw std::runtime_error("Chromium (" + options.executable + ") did not start: " + e.what());
  }
}

ChromiumProcess::~ChromiumProcess() { stop(std::chrono::milliseconds(500)); }

bool ChromiumProcess::alive() {
  if (pid_ <= 0 || reaped_) return false;
  if (exited(pid_)) {
    ::kill(-pid_, SIGKILL);  // helpers of a crashed browser
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return false;
  }
  return client_ && !client_->closed();
}

void ChromiumProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ > 0 && !reaped_) {
    if (client_ && !client_->closed() && grace.count() > 0) {
      try {
        client_->call("Browser.close", {}, {}, grace);
      } catch (const CdpError&) {
      }
      const auto until = std::chrono::steady_clock::now() + grace;
      while (std::chrono::steady_clock::now() < until && !exited(pid_))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid_, SIGKILL);  // the main process if still there, and every helper
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  if (client_) {
    client_->close();
    client_.reset();  // joins the reader: the pipe hit EOF when the group died
  }
  if (!profile_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(profile_dir_, ec);
    profile_dir_.clear();
  }
}

}  // namespace crawler::crawl::browser
