// Engine.IO 4 and Socket.IO 5 (the wire protocols of socket.io 4.x) as pure functions: packet
// encoding and decoding, nothing else, so they are unit-tested without sockets
// (tests/events/events_protocol_test.cpp) and the session logic (socketio_server.cpp) reads as
// protocol steps.
//
// Engine.IO packets are one type digit plus data: 0 open, 1 close, 2 ping, 3 pong, 4 message,
// 5 upgrade, 6 noop. Over long-polling several packets share one HTTP body, separated by the
// record separator 0x1e; over WebSocket each frame is one packet. Binary packets (a 'b' prefix
// with base64 over polling) are not produced by our server and are ignored when received.
//
// Socket.IO packets ride in Engine.IO message packets: a type digit (0 CONNECT, 1 DISCONNECT,
// 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK), for binary types the
// attachment count and '-', then "/nsp," unless the namespace is "/", then an optional ack id,
// then JSON. `42["rank_updated",{...}]` is therefore an event on the main namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::events {

namespace eio {

enum class Type : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

struct Packet {
  Type type;
  std::string_view data;  // a view into the decoded text
};

// One text packet. nullopt: empty, an unknown type, or a binary packet.
std::optional<Packet> decode(std::string_view text);
std::string encode(Type type, std::string_view data = {});

// A polling body split at 0x1e (an empty body gives no packet).
std::vector<std::string_view> split_payload(std::string_view body);
constexpr char kSeparator = '\x1e';

struct Handshake {
  std::string sid;
  bool can_upgrade = true;  // "upgrades":["websocket"] (a polling session) or [] (websocket)
  std::int64_t ping_interval_ms = 25000;
  std::int64_t ping_timeout_ms = 20000;
  std::int64_t max_payload = 1000000;
};
// `0{"sid":...,"upgrades":[...],"pingInterval":...,"pingTimeout":...,"maxPayload":...}`
std::string open_packet(const Handshake& h);

// Engine.IO's error bodies: {"code":<n>,"message":"..."} (0 unknown transport, 1 unknown
// session id, 2 bad handshake method, 3 bad request, 4 forbidden, 5 unsupported version).
std::string error_body(int code, std::string_view message);

}  // namespace eio

namespace sio {

enum class Type : char {
  connect = '0',
  disconnect = '1',
  event = '2',
  ack = '3',
  connect_error = '4',
  binary_event = '5',
  binary_ack = '6',
};

struct Packet {
  Type type = Type::event;
  std::string nsp = "/";
  std::optional<std::int64_t> id;
  int attachments = 0;
  std::string data;  // JSON text, or empty when the packet has none
};

// nullopt: malformed (bad type, bad JSON, an EVENT that is not a non-empty array starting with
// a string, a CONNECT payload that is not an object...). Socket.IO closes the connection then.
std::optional<Packet> decode(std::string_view text);
std::string encode(const Packet& p);

// The Engine.IO message that carries EVENT `name` with one argument (`data_json`, JSON text)
// on the main namespace: 42["name",data]. Built once per event and shared by every client.
std::string event_message(std::string_view name, std::string_view data_json);
// 40{"sid":"..."}: the answer to CONNECT on the main namespace.
std::string connect_message(std::string_view socket_id);
// 44{"message":"..."} (or 44/nsp,{...}): CONNECT refused.
std::string connect_error_message(std::string_view nsp, std::string_view message);

}  // namespace sio

// The API key a CONNECT payload carries: {"token": k} or {"apiKey": k}; empty when none.
std::string auth_payload_key(std::string_view connect_data);

}  // namespace crawler::events
