// See ws_hub.h.
#include "events/ws_hub.h"

#include <boost/json.hpp>
#include <vector>

namespace crawler::events {

std::optional<http::Response> WsHub::on_open(
    const std::shared_ptr<http::WebSocketConnection>& conn) {
  if (keys_.enabled) {
    auto key = presented_key(conn->request());
    if (key.empty() || !keys_.accepts(key))
      return http::Response::error(401, key.empty() ? "API key required" : "Invalid API key");
  }
  std::lock_guard lock(mu_);
  if (closed_) return http::Response::error(503, "Server is stopping");
  conns_.insert(conn);
  return std::nullopt;
}

void WsHub::on_close(const std::shared_ptr<http::WebSocketConnection>& conn) {
  std::lock_guard lock(mu_);
  conns_.erase(conn);
}

std::string WsHub::frame(std::string_view name, std::string_view data_json) {
  std::string out = "{\"event\":";
  out += boost::json::serialize(boost::json::string(name));
  out += ",\"data\":";
  out += data_json;
  out += '}';
  return out;
}

void WsHub::emit(std::string_view name, std::string_view data_json) {
  auto text = http::make_shared_text(frame(name, data_json));
  std::lock_guard lock(mu_);
  // A refused send means the connection is being dropped; on_close removes it.
  for (const auto& c : conns_) c->send(text);
}

void WsHub::close_all() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (const auto& c : conns_) c->close();
}

std::size_t WsHub::clients() const {
  std::lock_guard lock(mu_);
  return conns_.size();
}

}  // namespace crawler::events
