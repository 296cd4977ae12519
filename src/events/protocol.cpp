// See protocol.h. JSON goes through Boost.JSON both ways: strings we embed (event names, error
// messages, ids) are serialized, never pasted, so a quote in a keyword cannot break a frame.
#include "events/protocol.h"

#include <boost/json.hpp>
#include <charconv>

namespace crawler::events {

namespace json = boost::json;

namespace eio {

std::optional<Packet> decode(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char c = text[0];
  if (c < '0' || c > '6') return std::nullopt;  // includes 'b' (base64 binary)
  return Packet{static_cast<Type>(c), text.substr(1)};
}

std::string encode(Type type, std::string_view data) {
  std::string out;
  out.reserve(1 + data.size());
  out.push_back(static_cast<char>(type));
  out.append(data);
  return out;
}

std::vector<std::string_view> split_payload(std::string_view body) {
  std::vector<std::string_view> out;
  if (body.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    auto end = body.find(kSeparator, start);
    out.push_back(body.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string open_packet(const Handshake& h) {
  json::object o;
  o["sid"] = h.sid;
  json::array upgrades;
  if (h.can_upgrade) upgrades.emplace_back("websocket");
  o["upgrades"] = std::move(upgrades);
  o["pingInterval"] = h.ping_interval_ms;
  o["pingTimeout"] = h.ping_timeout_ms;
  o["maxPayload"] = h.max_payload;
  return encode(Type::open, json::serialize(o));
}

std::string error_body(int code, std::string_view message) {
  json::object o;
  o["code"] = code;
  o["message"] = message;
  return json::serialize(o);
}

}  // namespace eio

namespace sio {

std::optional<Packet> decode(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return std::nullopt;
  Packet p;
  p.type = static_cast<Type>(text[0]);
  std::size_t i = 1;
  auto digits = [&](std::int64_t& out) {
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), out);
    if (ec != std::errc() || ptr == text.data() + i) return false;
    i = static_cast<std::size_t>(ptr - text.data());
    return true;
  };
  if (p.type == Type::binary_event || p.type == Type::binary_ack) {
    std::int64_t n = 0;
    if (!digits(n) || i >= text.size() || text[i] != '-' || n < 0 || n > 1000) return std::nullopt;
    p.attachments = static_cast<int>(n);
    ++i;
  }
  if (i < text.size() && text[i] == '/') {
    auto comma = text.find(',', i);
    p.nsp = std::string(text.substr(i, comma == std::string_view::npos ? comma : comma - i));
    i = comma == std::string_view::npos ? text.size() : comma + 1;
  }
  if (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    std::int64_t id = 0;
    if (!digits(id)) return std::nullopt;
    p.id = id;
  }
  p.data = std::string(text.substr(i));
  if (p.data.empty()) {
    // CONNECT may come without auth; DISCONNECT has nothing; the others need a payload.
    if (p.type == Type::connect || p.type == Type::disconnect) return p;
    return std::nullopt;
  }
  json::error_code ec;
  auto v = json::parse(p.data, ec);
  if (ec) return std::nullopt;
  switch (p.type) {
    case Type::connect:
      if (!v.is_object()) return std::nullopt;
      break;
    case Type::disconnect:
      return std::nullopt;
    case Type::event:
    case Type::binary_event:
      if (!v.is_array() || v.get_array().empty() ||
          !(v.get_array()[0].is_string() || v.get_array()[0].is_number()))
        return std::nullopt;
      break;
    case Type::ack:
    case Type::binary_ack:
      if (!v.is_array() || !p.id) return std::nullopt;
      break;
    case Type::connect_error:
      if (!v.is_object() && !v.is_string()) return std::nullopt;
      break;
  }
  return p;
}

std::string encode(const Packet& p) {
  std::string out(1, static_cast<char>(p.type));
  if (p.type == Type::binary_event || p.type == Type::binary_ack)
    out += std::to_string(p.attachments) + "-";
  if (p.nsp != "/" && !p.nsp.empty()) {
    out += p.nsp;
    out += ',';
  }
  if (p.id) out += std::to_string(*p.id);
  out += p.data;
  return out;
}

std::string event_message(std::string_view name, std::string_view data_json) {
  std::string out = "42[";
  out += json::serialize(json::string(name));
  out += ',';
  out += data_json;
  out += ']';
  return out;
}

std::string connect_message(std::string_view socket_id) {
  json::object o;
  o["sid"] = socket_id;
  return eio::encode(eio::Type::message, encode({Type::connect, "/", {}, 0, json::serialize(o)}));
}

std::string connect_error_message(std::string_view nsp, std::string_view message) {
  json::object o;
  o["message"] = message;
  return eio::encode(eio::Type::message,
                     encode({Type::connect_error, std::string(nsp), {}, 0, json::serialize(o)}));
}

}  // namespace sio

std::string auth_payload_key(std::string_view connect_data) {
  if (connect_data.empty()) return {};
  json::error_code ec;
  auto v = json::parse(connect_data, ec);
  if (ec || !v.is_object()) return {};
  for (const char* name : {"token", "apiKey"})
    if (const auto* k = v.get_object().if_contains(name); k != nullptr && k->is_string())
      return std::string(k->get_string());
  return {};
}

}  // namespace crawler::events
