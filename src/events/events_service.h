// The real-time events as one piece the api/ws role owns: the event bus on the queue, the
// Socket.IO server at /socket.io/ and the plain WebSocket hub at /ws, registered on the role's
// HTTP server. Start it after the server, stop it before (the bus stops first so nothing is
// emitted into closing sessions).
#pragma once

#include <memory>

#include "core/log.h"
#include "events/event_bus.h"
#include "events/socketio_server.h"
#include "events/ws_hub.h"
#include "http/server.h"
#include "queue/queue.h"

namespace crawler::events {

struct EventsOptions {
  SocketIoOptions socketio;              // its `keys` also guard /ws
  std::size_t max_queued_frames = 1024;  // per WebSocket client; over it: disconnected
};

class EventsService {
 public:
  EventsService(queue::Queue& queue, EventsOptions options, log::Logger logger);
  // Registers /socket.io/ (polling + WebSocket) and /ws on the server (before it starts).
  void attach(http::Server& server);
  void start();
  void stop();

  // For tests and the benchmark: deliver an event as if it came from the queue.
  void publish(const Event& e);

 private:
  EventsOptions options_;
  SocketIoServer socketio_;
  std::shared_ptr<WsHub> hub_;
  EventBus bus_;
};

}  // namespace crawler::events
