// See events_service.h.
#include "events/events_service.h"

namespace crawler::events {

EventsService::EventsService(queue::Queue& queue, EventsOptions options, log::Logger logger)
    : options_(std::move(options)),
      socketio_(options_.socketio, logger),
      hub_(std::make_shared<WsHub>(options_.socketio.keys)),
      bus_(queue, logger) {
  bus_.subscribe([this](const Event& e) { publish(e); });
}

void EventsService::attach(http::Server& server) {
  http::WebSocketOptions ws;
  ws.max_queued_messages = options_.max_queued_frames;
  ws.max_message_bytes = options_.socketio.max_payload;
  server.handle_websocket("/socket.io/", socketio_.websocket_handler(), ws);
  server.handle_async("/socket.io/", [this](http::Request& req, http::Respond respond) {
    socketio_.handle_polling(req, std::move(respond));
  });
  server.handle_websocket("/ws", hub_, ws);
}

void EventsService::start() {
  socketio_.start();
  bus_.start();
}

void EventsService::stop() {
  bus_.stop();
  socketio_.stop();
  hub_->close_all();
}

void EventsService::publish(const Event& e) {
  socketio_.emit(e.name, e.data);
  hub_->emit(e.name, e.data);
}

}  // namespace crawler::events
