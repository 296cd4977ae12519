// The directory, port and start/restart loop RedisServer and PostgresServer share.
#include "support/local_server.h"

#include <stdexcept>
#include <utility>

#include "support/files.h"
#include "support/ports.h"

namespace crawler::testing {
namespace {

constexpr int kStartAttempts = 3;
constexpr std::string_view kPortTakenMessage = "Address already in use";

}  // namespace

LocalServer::LocalServer(std::string name, std::string_view temp_prefix,
                         const std::filesystem::path& dir, bool detached)
    : name_(std::move(name)) {
  if (!dir.empty()) {
    dir_ = std::filesystem::absolute(dir);
    std::filesystem::create_directories(dir_);
  } else if (detached) {
    dir_ = TempDir(temp_prefix).release();
  } else {
    owned_dir_.emplace(temp_prefix);
    dir_ = owned_dir_->path();
  }
}

LocalServer::~LocalServer() = default;

void LocalServer::start() {
  if (started_) throw std::logic_error(name_ + "::start: already started; use restart()");
  std::string failure;
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    Launch result = launch(failure);
    if (result == Launch::kReady) return;
    if (result != Launch::kPortTaken || attempt == kStartAttempts) {
      throw std::runtime_error(failure);
    }
  }
}

void LocalServer::restart() {
  if (port_ == 0) return start();
  stop();
  std::string failure;
  if (launch(failure) != Launch::kReady) {
    throw std::runtime_error("restart on the same port failed: " + failure);
  }
}

int LocalServer::port() const {
  if (port_ == 0) throw std::logic_error(name_ + ": not started");
  return port_;
}

LocalServer::Launch LocalServer::launch_failed(std::string_view server, const std::string& what,
                                               const std::filesystem::path& log,
                                               std::size_t log_offset, std::string& failure) const {
  const std::string new_log = read_file_from(log, log_offset);
  failure = std::string(server) + " on 127.0.0.1:" + std::to_string(port_) + " " + what +
            "\nlog tail (" + log.string() + "):\n" + text_tail(new_log, 30);
  return says_port_taken(new_log) ? Launch::kPortTaken : Launch::kFailed;
}

bool LocalServer::says_port_taken(std::string_view log_text) {
  return log_text.find(kPortTakenMessage) != std::string_view::npos;
}

}  // namespace crawler::testing
