// Debian's Chromium as a child process, headless, talking DevTools over two pipes.
//
// The browser runs in a process group of its own, so stopping it stops its helpers (zygote,
// renderers, GPU and network services) too: kill(-pgid) then waitpid on the main process.
// Helpers that outlive the main process are re-parented to init (or, in a container whose
// PID 1 is the crawler, to us): run the task with an init (ECS `initProcessEnabled`) so they
// are reaped; the group kill leaves none running either way.
//
// Each launch gets a fresh temporary profile directory ($TMPDIR/crawler-chromium-*), removed
// on stop: no state leaks from one browser to the next, and a crashed profile never blocks a
// relaunch.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crawl/browser/cdp_client.h"

namespace crawler::crawl::browser {

struct ChromiumOptions {
  std::string executable = "chromium";  // CHROMIUM_PATH
  std::vector<std::string> extra_args;  // appended (e.g. --lang=ko-KR)
  // Time for the first DevTools reply after exec (cold start on a loaded 1-vCPU task).
  std::chrono::milliseconds start_timeout{30000};
};

class ChromiumProcess {
 public:
  // Launches and waits until the browser answers Browser.getVersion. Throws
  // std::runtime_error (not found, exited at once, no answer in start_timeout).
  explicit ChromiumProcess(const ChromiumOptions& options);
  ~ChromiumProcess();  // stop()
  ChromiumProcess(const ChromiumProcess&) = delete;
  ChromiumProcess& operator=(const ChromiumProcess&) = delete;

  CdpClient& cdp() { return *client_; }
  pid_t pid() const { return pid_; }
  // False once the main process exited or its pipe closed.
  bool alive();
  // Browser.close with a short grace, then SIGKILL to the whole group; reaps; removes the
  // profile directory. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  // The browser's product string ("Chrome/156...") from start-up.
  const std::string& product() const { return product_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::filesystem::path profile_dir_;
  std::unique_ptr<CdpClient> client_;
  std::string product_;
};

}  // namespace crawler::crawl::browser
