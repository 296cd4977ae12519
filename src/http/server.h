// An HTTP/1.1 server (Boost.Beast, C++20 coroutines) that serves one Router.
//
// Threads: one I/O thread runs the acceptor and every connection's coroutine; each request is
// handed to a small handler pool (handlers may block on PostgreSQL or Redis) and the response
// comes back to the I/O thread to be written. Keep-alive, a body limit (413), header/idle
// timeouts and malformed requests (400) are handled here so handlers never see them.
//
// Beast and Asio stay inside server.cpp (pimpl): they are the slowest headers to compile.
//
// Besides the Router, a path can be given to a WebSocketHandler (upgrade requests) and/or an
// AsyncHandler (answered later without holding a pool thread: long-polling); see websocket.h.
// Those requests bypass the Router and its hooks (auth and CORS are the handler's business).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/log.h"
#include "http/router.h"
#include "http/websocket.h"

namespace crawler::http {

struct ServerOptions {
  std::string name = "http";  // for logs: "api", "scheduler", ...
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: any free port (tests); see Server::port()
  int handler_threads = 4;
  std::size_t max_body_bytes = 12 * 1024 * 1024;  // bulk .xlsx uploads are ≤ 10 MB
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds keep_alive_timeout{60};
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router, log::Logger logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving. Throws std::runtime_error naming the address on failure
  // (e.g. the port is in use).
  void start();
  // Stops accepting, lets requests in flight finish until `deadline`, then closes everything.
  void stop(std::chrono::steady_clock::time_point deadline);
  std::uint16_t port() const;

  // Before start(). `path` matches exactly, with or without a trailing '/'. A WebSocket
  // upgrade request for it goes to `handler`; other requests to the path still go to the
  // Router (or to an AsyncHandler registered for the same path).
  void handle_websocket(std::string path, std::shared_ptr<WebSocketHandler> handler,
                        WebSocketOptions options = {});
  // Before start(). Non-upgrade requests for `path` go to `handler` on the I/O thread.
  void handle_async(std::string path, AsyncHandler handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::http
