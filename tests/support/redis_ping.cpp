// RESP over a blocking loopback socket with send/receive timeouts.
#include "support/redis_ping.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string_view>
#include <vector>

#include "support/subprocess.h"
#include "support/tool_paths.h"

namespace crawler::testing {
namespace {

std::string resp_command(const std::vector<std::string>& parts) {
  std::string out = "*" + std::to_string(parts.size()) + "\r\n";
  for (const auto& part : parts) {
    out += "$" + std::to_string(part.size()) + "\r\n" + part + "\r\n";
  }
  return out;
}

class Connection {
 public:
  Connection(int port, std::chrono::milliseconds timeout)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) return;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The next CRLF-terminated line, without the CRLF.
  std::optional<std::string> read_line() {
    for (;;) {
      auto end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      char chunk[512];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

}  // namespace

std::optional<std::string> redis_ping_reply(int port, const RedisAuth& auth,
                                            std::chrono::milliseconds timeout) {
  Connection connection(port, timeout);
  if (!connection.connected()) return std::nullopt;
  std::string request;
  if (auth.password) {
    request += auth.user ? resp_command({"AUTH", *auth.user, *auth.password})
                         : resp_command({"AUTH", *auth.password});
  }
  request += resp_command({"PING"});
  if (!connection.send_all(request)) return std::nullopt;
  if (auth.password && !connection.read_line()) return std::nullopt;  // AUTH's +OK or -ERR
  return connection.read_line();
}

bool redis_ping(int port, const RedisAuth& auth, std::chrono::milliseconds timeout) {
  return redis_ping_reply(port, auth, timeout) == "+PONG";
}

bool redis_tls_ping(int port, const std::filesystem::path& ca_file, const RedisAuth& auth,
                    std::chrono::milliseconds timeout) {
  SpawnOptions options{.argv = {redis_cli_program(), "--tls", "--cacert", ca_file.string(), "-h",
                                "127.0.0.1", "-p", std::to_string(port)}};
  if (auth.user) options.argv.insert(options.argv.end(), {"--user", *auth.user});
  if (auth.password) {
    options.argv.insert(options.argv.end(), {"--pass", *auth.password, "--no-auth-warning"});
  }
  options.argv.push_back("PING");
  try {
    CommandResult result = run_command(std::move(options), timeout);
    return result.status.success() && result.output.find("PONG") != std::string::npos;
  } catch (const std::runtime_error&) {
    return false;  // timed out
  }
}

}  // namespace crawler::testing
