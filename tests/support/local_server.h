// What RedisServer and PostgresServer share: a server program of ours on a loopback port.
//
//   - The working directory: a temporary one owned by the object (removed with it), a given
//     one, or, for a detached server that must outlive us, a temporary one left behind.
//   - The port: picked free by start(), kept by restart() so a client under test can be shown
//     to reconnect to "the same" server after it went away.
//   - start(): another free port when the chosen one was taken in the meantime (the race
//     between free_port() and the server's bind), up to three tries.
//   - A failed launch reports what the server's log gained during it, and whether that says
//     the port was taken.
//
// Each server implements one launch on port() and its own ways of stopping.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "support/temp_dir.h"

namespace crawler::testing {

class LocalServer {
 public:
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  // Starts on a free port and returns once the server answers. Throws std::runtime_error
  // with the log's tail.
  void start();
  // stop() if running, then start again on the same port with the same directory.
  void restart();
  virtual void stop() = 0;
  virtual void kill() = 0;
  virtual bool running() = 0;

  int port() const;  // throws std::logic_error before start()
  const std::filesystem::path& dir() const { return dir_; }

 protected:
  enum class Launch { kReady, kPortTaken, kFailed };

  // `name` names the class in logic errors; `temp_prefix` the temporary directory's name.
  // A given `dir` is made absolute and created.
  LocalServer(std::string name, std::string_view temp_prefix, const std::filesystem::path& dir,
              bool detached);
  // Derived classes' members (their Subprocess) go first, then the owned directory.
  virtual ~LocalServer();

  // One attempt to run the server on port_, true to started_ when it answers. Otherwise
  // `failure` says why, and kPortTaken asks start() for another port.
  virtual Launch launch(std::string& failure) = 0;

  // For a launch that did not come up: `failure` = "<server> on 127.0.0.1:<port> <what>"
  // followed by the tail of what `log` gained since `log_offset`; kPortTaken when that says
  // the address was in use.
  Launch launch_failed(std::string_view server, const std::string& what,
                       const std::filesystem::path& log, std::size_t log_offset,
                       std::string& failure) const;
  // True when a server's log says its address was in use (another port may do).
  static bool says_port_taken(std::string_view log_text);

  std::filesystem::path dir_;
  int port_ = 0;
  bool started_ = false;

 private:
  std::string name_;
  std::optional<TempDir> owned_dir_;
};

}  // namespace crawler::testing
