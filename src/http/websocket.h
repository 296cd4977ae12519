// WebSocket endpoints and long-lived HTTP exchanges (long-polling) on the HTTP server, with no
// Beast or Asio type in sight: the real-time events (src/events) compile against this header
// only, and the Beast session lives in websocket_session.cpp.
//
// Design:
//   - A WebSocketHandler is registered for one path (Server::handle_websocket). The upgrade
//     request goes to on_open() *before* the handshake is answered, so a handler can refuse it
//     with an ordinary HTTP response (401 without an API key).
//   - Every callback runs on the server's single I/O thread: it must not block. Sending is
//     allowed from any thread; WebSocketConnection::send() only appends to the connection's
//     queue and wakes its writer.
//   - Frames are shared, immutable strings (SharedText): one event is encoded once and the same
//     buffer is queued on every connection. The queue is bounded (messages): a client that
//     stops reading fills it and is disconnected, so it holds memory for at most the bound and
//     never delays the others (no write waits for another connection).
//   - After Server::stop() every connection reports closed and send() returns false, so
//     objects that outlive the server (an event hub holding connections) stay safe.
//   - AsyncHandler: a plain HTTP request answered later, from any thread, through `respond`
//     (Engine.IO long-polling holds a GET open until there is something to say). No handler
//     pool thread waits meanwhile. Requests still pending at stop() are answered 503.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace crawler::http {

using SharedText = std::shared_ptr<const std::string>;

inline SharedText make_shared_text(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // The upgrade request (path, query, headers) as received.
  virtual const Request& request() const = 0;
  // Queues a text frame. False when the connection is closed or closing, or when the queue was
  // full: then the connection is being dropped (without a close handshake: the peer is not
  // reading anyway) and on_close follows.
  virtual bool send(SharedText text) = 0;
  // Sends the queued frames, then a close frame (normal closure).
  virtual void close() = 0;
  virtual bool is_open() const = 0;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // Before the handshake. nullopt accepts (the connection may be kept and used at once: frames
  // sent now go out right after the handshake); a Response refuses with that HTTP answer.
  virtual std::optional<Response> on_open(const std::shared_ptr<WebSocketConnection>& conn) = 0;
  // One complete text (or binary) message.
  virtual void on_message(const std::shared_ptr<WebSocketConnection>& conn,
                          std::string_view text) = 0;
  // Once per accepted connection, whoever closed it.
  virtual void on_close(const std::shared_ptr<WebSocketConnection>& conn) = 0;
};

struct WebSocketOptions {
  // Per connection; over either bound the client is dropped. Bytes count each queued frame
  // in full even though the buffer is shared: it is what the slow client pins.
  std::size_t max_queued_messages = 1024;
  std::size_t max_queued_bytes = 8 << 20;
  std::size_t max_message_bytes = 1 << 20;  // incoming; bigger closes with "message too big"
  // Beast's keep-alive pings: a peer silent this long is pinged, and dropped if it stays
  // silent for as long again. Engine.IO pings on its own; this catches dead TCP peers on /ws.
  int idle_timeout_seconds = 60;
};

// Answers an AsyncHandler's request. Callable from any thread, once; later calls are ignored.
using Respond = std::function<void(Response)>;
// Runs on the I/O thread: must not block. Must eventually call respond (or the request stays
// open until the client gives up or the server stops).
using AsyncHandler = std::function<void(Request& req, Respond respond)>;

}  // namespace crawler::http
