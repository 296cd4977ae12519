// A broadcast-only Socket.IO 4 server (Engine.IO 4 underneath) for existing Electron
// clients' `io(url)`: long-polling handshake, WebSocket upgrade (probe / upgrade / noop),
// WebSocket-only sessions, server pings with a pong deadline, CORS on polling, maxPayload,
// and CONNECT on the main namespace with an optional API key in the `auth` payload.
//
// What it deliberately does not do: rooms, namespaces other than "/", acknowledgements,
// binary attachments, events from clients (they are read and ignored). The crawler only
// pushes notifications; a full Socket.IO server would be ten times this for nothing.
//
// Threads: the HTTP server's I/O thread calls the polling and WebSocket entry points; the
// event bus thread calls emit(); a ticker thread sends pings and expires sessions. One mutex
// guards the session table; nothing under it blocks (a send only queues on a connection, a
// polling answer only posts to the I/O thread).
//
// Fan-out: emit() encodes `42["name",data]` once into a shared buffer; WebSocket sessions
// queue that same buffer (bounded per connection: over it the client is dropped); polling
// sessions queue it in their own bounded outbox until their next GET.
//
// Auth, when API keys are enabled: a key presented at the Engine.IO handshake (header
// `Authorization: Bearer`/`x-api-key`, or query `apiKey`/`token` for browsers, which cannot set
// headers on a WebSocket) must be valid, else 401. Without one, the CONNECT packet's auth
// payload must carry {token} or {apiKey}; else CONNECT_ERROR `44{"message":"unauthorized"}`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "http/message.h"
#include "http/websocket.h"

namespace crawler::events {

// Which API keys are accepted; `enabled == false` lets everyone in.
struct KeyCheck {
  bool enabled = false;
  std::function<bool(std::string_view)> accepts;
};
// The key a request presents: Authorization: Bearer, x-api-key, then ?apiKey= / ?token=.
std::string presented_key(const http::Request& req);

struct SocketIoOptions {
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::chrono::milliseconds connect_timeout{45000};  // handshake without CONNECT
  std::size_t max_payload = 1000000;                 // bytes per polling POST / frame
  std::size_t max_buffered_packets = 1024;           // per client; over it: disconnected
  std::vector<std::string> cors_origins;             // {"*"}: any; empty: no CORS headers
  KeyCheck keys;
};

class SocketIoServer {
 public:
  SocketIoServer(SocketIoOptions options, log::Logger logger);
  ~SocketIoServer();
  SocketIoServer(const SocketIoServer&) = delete;
  SocketIoServer& operator=(const SocketIoServer&) = delete;

  // Long-polling requests (and the handshake) on /socket.io/: an http::AsyncHandler.
  void handle_polling(http::Request& req, http::Respond respond);
  // WebSocket transport on /socket.io/ (upgrade of a polling session, or WebSocket-only).
  std::shared_ptr<http::WebSocketHandler> websocket_handler();

  // Sends the event to every client connected to the main namespace. Any thread.
  void emit(std::string_view name, std::string_view data_json);

  // The ping/expiry ticker.
  void start();
  // Closes every session and stops the ticker.
  void stop();

  std::size_t connected_clients() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace crawler::events
