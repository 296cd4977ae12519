// Internal to crawler_http (included by server.cpp and websocket_session.cpp only): the Beast
// WebSocket session behind http::WebSocketConnection, and the registry the server uses to
// close every session when it stops. Includes Beast, hence not a public header.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "http/websocket.h"

namespace crawler::http::detail {

struct WsSession;

// Live sessions, so Server::stop() can refuse further sends and close their sockets.
class WsRegistry {
 public:
  void add(const std::shared_ptr<WsSession>& s);
  void remove(const std::shared_ptr<WsSession>& s);
  // From any thread: every connection refuses sends from now on; their sockets are closed on
  // the I/O thread, which ends the sessions (on_close runs for each).
  void close_all();
  std::size_t size() const;

 private:
  void close_locked(const std::shared_ptr<WsSession>& s);

  mutable std::mutex mu_;
  bool closed_ = false;
  std::unordered_set<std::shared_ptr<WsSession>> sessions_;
};

// Runs one WebSocket connection from its upgrade request to its end, on the I/O thread.
boost::asio::awaitable<void> run_websocket(
    boost::beast::tcp_stream stream,
    boost::beast::http::request<boost::beast::http::string_body> upgrade, Request request,
    std::shared_ptr<WebSocketHandler> handler, WebSocketOptions options, WsRegistry& registry);

}  // namespace crawler::http::detail
