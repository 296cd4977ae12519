#include "support/forward_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

namespace crawler::testing {
namespace {

std::string base64_decode(std::string_view in) {
  static constexpr std::string_view chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    const auto pos = chars.find(c);
    if (pos == std::string_view::npos) break;
    value = (value << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

// The value of header `name` (case-insensitive name, "Name: value\r\n"), or "".
std::string header(const std::string& head, std::string_view name) {
  std::size_t at = head.find("\r\n");
  while (at != std::string::npos && at + 2 < head.size()) {
    const auto end = head.find("\r\n", at + 2);
    const std::string line = head.substr(at + 2, end - at - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos && colon == name.size()) {
      bool same = true;
      for (std::size_t i = 0; i < colon; ++i)
        same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                           std::tolower(static_cast<unsigned char>(name[i]));
      if (same) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        return value;
      }
    }
    at = end;
  }
  return {};
}

}  // namespace

std::string read_http_head(int fd) {
  std::string head;
  char c;
  while (head.size() < 65536 && recv(fd, &c, 1, 0) == 1) {
    head += c;
    if (head.ends_with("\r\n\r\n")) return head;
  }
  return {};
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

ForwardProxy::ForwardProxy(std::string password) : password_(std::move(password)) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 64) != 0)
    throw std::runtime_error("forward proxy: bind/listen failed");
  socklen_t len = sizeof addr;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ForwardProxy::~ForwardProxy() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : connections_) t.join();
  close(fd_);
}

std::vector<std::string> ForwardProxy::users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

int ForwardProxy::challenges() const {
  std::lock_guard lock(mutex_);
  return challenges_;
}

void ForwardProxy::accept_loop() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    // A browser opens spare connections it may never use: bound every read.
    timeval timeout{2, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connections_.emplace_back([this, client] {
      serve(client);
      close(client);
    });
  }
}

void ForwardProxy::serve(int client) {
  const std::string head = read_http_head(client);
  if (head.empty()) return;
  const std::string auth = header(head, "Proxy-Authorization");
  if (!auth.starts_with("Basic ")) {
    {
      std::lock_guard lock(mutex_);
      ++challenges_;
    }
    send_all(client,
             "HTTP/1.1 407 Proxy Authentication Required\r\n"
             "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n");
    return;
  }
  const std::string credentials = base64_decode(auth.substr(6));
  const auto colon = credentials.find(':');
  if (colon == std::string::npos || credentials.substr(colon + 1) != password_) {
    send_all(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    users_.push_back(credentials.substr(0, colon));
  }
  // "GET http://127.0.0.1:PORT/path HTTP/1.1" (numeric loopback origins only: it is a test)
  const std::string scheme = "GET http://";
  if (!head.starts_with(scheme)) {
    send_all(client, "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const auto colon_at = head.find(':', scheme.size());
  const auto path_at = head.find('/', colon_at);
  const auto space_at = head.find(' ', path_at);
  const std::string origin_host = head.substr(scheme.size(), colon_at - scheme.size());
  const int origin_port = std::stoi(head.substr(colon_at + 1, path_at - colon_at - 1));
  const std::string path = head.substr(path_at, space_at - path_at);
  const int origin = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(origin_port));
  inet_pton(AF_INET, origin_host.c_str(), &addr.sin_addr);
  if (connect(origin, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(origin);
    send_all(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  send_all(origin, "GET " + path + " HTTP/1.1\r\nHost: " + origin_host +
                       "\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
  char buf[16384];
  for (;;) {
    const auto n = recv(origin, buf, sizeof buf, 0);
    if (n <= 0) break;
    send_all(client, std::string_view(buf, static_cast<std::size_t>(n)));
  }
  close(origin);
}

}  // namespace crawler::testing
