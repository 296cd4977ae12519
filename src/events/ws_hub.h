// The plain WebSocket endpoint (/ws): every event as one JSON text frame
// {"event": "<name>", "data": {...}}, for clients that do not speak Socket.IO (dashboards,
// scripts, `wscat`). Messages from clients are ignored.
//
// Auth, when API keys are enabled: the upgrade request must present a valid key
// (Authorization: Bearer, x-api-key, or ?apiKey= / ?token= for browsers); otherwise 401 before
// the handshake. Fan-out as in socketio_server.h: one shared frame per event, bounded
// per-connection queues (over the bound the client is dropped).
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "events/socketio_server.h"
#include "http/websocket.h"

namespace crawler::events {

class WsHub final : public http::WebSocketHandler {
 public:
  explicit WsHub(KeyCheck keys) : keys_(std::move(keys)) {}

  std::optional<http::Response> on_open(
      const std::shared_ptr<http::WebSocketConnection>& conn) override;
  void on_message(const std::shared_ptr<http::WebSocketConnection>&, std::string_view) override {}
  void on_close(const std::shared_ptr<http::WebSocketConnection>& conn) override;

  void emit(std::string_view name, std::string_view data_json);
  void close_all();
  std::size_t clients() const;

  // {"event":"name","data":<data_json>}
  static std::string frame(std::string_view name, std::string_view data_json);

 private:
  KeyCheck keys_;
  mutable std::mutex mu_;
  bool closed_ = false;
  std::unordered_set<std::shared_ptr<http::WebSocketConnection>> conns_;
};

}  // namespace crawler::events
