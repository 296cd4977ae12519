// See socketio_server.h. Session life:
//
//   polling:   GET (no sid) → open packet; GETs wait for packets (one at a time: a second
//              concurrent GET closes the session, as Engine.IO does); POSTs carry packets.
//   upgrade:   WebSocket with ?sid → "2probe" → "3probe" (and a pending GET is answered "6" so
//              the client can pause polling) → "5" → the session's packets now go over the
//              WebSocket. While upgrading, a GET is answered at once (with "6" if nothing).
//   websocket: WebSocket without sid → open packet as the first frame, then as above.
//
// Every ping_interval the server pings ("2"); no pong ("3") within ping_timeout closes the
// session. That is also how a polling client that vanished expires: its ping is never
// fetched. A session closed while a GET waits answers it with the close packet "1".
#include "events/socketio_server.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "events/protocol.h"

namespace crawler::events {

namespace {

using Clock = std::chrono::steady_clock;

std::string random_id() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::random_device rd;
  std::string out;
  for (int i = 0; i < 20; ++i) out.push_back(kAlphabet[rd() % 64]);
  return out;
}

http::Response text_response(int status, std::string body,
                             std::string type = "text/plain; charset=UTF-8") {
  return http::Response{status, std::move(type), std::move(body), {}};
}

http::Response eio_error(int status, int code, std::string_view message) {
  return text_response(status, eio::error_body(code, message), "application/json");
}

}  // namespace

std::string presented_key(const http::Request& req) {
  auto auth = req.header("authorization");
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer "))
    return std::string(auth.substr(7));
  if (auto k = req.header("x-api-key"); !k.empty()) return std::string(k);
  if (auto k = req.query("apiKey")) return *k;
  if (auto k = req.query("token")) return *k;
  return {};
}

struct SocketIoServer::Impl : std::enable_shared_from_this<SocketIoServer::Impl> {
  struct Session {
    std::string sid;
    bool websocket = false;  // the transport in use
    bool upgrading = false;  // probe done, waiting for "5"
    std::shared_ptr<http::WebSocketConnection> ws;
    std::shared_ptr<http::WebSocketConnection> probe;
    std::deque<http::SharedText> outbox;  // polling only
    http::Respond pending_get;
    bool key_ok = false;     // a valid key came with the handshake
    bool connected = false;  // Socket.IO CONNECT accepted on "/"
    Clock::time_point created;
    Clock::time_point next_ping;
    Clock::time_point pong_deadline;
    bool awaiting_pong = false;
  };

  class WsHandler final : public http::WebSocketHandler {
   public:
    explicit WsHandler(std::weak_ptr<Impl> impl) : impl_(std::move(impl)) {}
    std::optional<http::Response> on_open(
        const std::shared_ptr<http::WebSocketConnection>& conn) override {
      auto im = impl_.lock();
      if (!im) return eio_error(503, 3, "Server is stopping");
      return im->ws_open(conn);
    }
    void on_message(const std::shared_ptr<http::WebSocketConnection>& conn,
                    std::string_view text) override {
      if (auto im = impl_.lock()) im->ws_message(conn, text);
    }
    void on_close(const std::shared_ptr<http::WebSocketConnection>& conn) override {
      if (auto im = impl_.lock()) im->ws_closed(conn);
    }

   private:
    std::weak_ptr<Impl> impl_;
  };

  SocketIoOptions options;
  log::Logger logger;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions;
  std::unordered_map<const http::WebSocketConnection*, std::shared_ptr<Session>> by_conn;
  std::size_t connected_count = 0;
  bool stopped = false;
  std::thread ticker;
  std::condition_variable tick_cv;

  Impl(SocketIoOptions o, log::Logger l) : options(std::move(o)), logger(std::move(l)) {}

  eio::Handshake handshake(const Session& s) const {
    return {s.sid, !s.websocket, options.ping_interval.count(), options.ping_timeout.count(),
            static_cast<std::int64_t>(options.max_payload)};
  }

  std::vector<std::pair<std::string, std::string>> cors_headers(const http::Request& req) const {
    std::vector<std::pair<std::string, std::string>> out;
    auto origin = req.header("origin");
    if (origin.empty() || options.cors_origins.empty()) return out;
    bool any = std::find(options.cors_origins.begin(), options.cors_origins.end(), "*") !=
               options.cors_origins.end();
    if (!any && std::find(options.cors_origins.begin(), options.cors_origins.end(), origin) ==
                    options.cors_origins.end())
      return out;
    // Echo the origin (not "*") so a client with withCredentials also works.
    out.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    out.emplace_back("Access-Control-Allow-Credentials", "true");
    out.emplace_back("Vary", "Origin");
    return out;
  }

  // Refusal when a key was presented but is wrong; nullopt otherwise. `key_ok` tells whether
  // the handshake itself authenticated the client.
  std::optional<http::Response> check_handshake_key(const http::Request& req, bool& key_ok) {
    key_ok = !options.keys.enabled;
    if (!options.keys.enabled) return std::nullopt;
    auto key = presented_key(req);
    if (key.empty()) return std::nullopt;  // may still come in the CONNECT auth payload
    if (!options.keys.accepts(key)) return eio_error(401, 4, "Invalid API key");
    key_ok = true;
    return std::nullopt;
  }

  std::shared_ptr<Session> new_session_locked(bool websocket, bool key_ok) {
    auto s = std::make_shared<Session>();
    s->sid = random_id();
    s->websocket = websocket;
    s->key_ok = key_ok;
    s->created = Clock::now();
    s->next_ping = s->created + options.ping_interval;
    sessions[s->sid] = s;
    return s;
  }

  // Queues one encoded Engine.IO packet for the session. False: the session was closed.
  bool send_locked(const std::shared_ptr<Session>& s, const http::SharedText& packet) {
    if (s->websocket) {
      if (s->ws->send(packet)) return true;
      close_locked(s, "client too slow", false);
      return false;
    }
    if (s->outbox.size() >= options.max_buffered_packets) {
      close_locked(s, "client too slow", false);
      return false;
    }
    s->outbox.push_back(packet);
    flush_poll_locked(s);
    return true;
  }

  void flush_poll_locked(const std::shared_ptr<Session>& s) {
    if (!s->pending_get || s->outbox.empty()) return;
    std::string body;
    for (const auto& p : s->outbox) {
      if (!body.empty()) body.push_back(eio::kSeparator);
      body += *p;
    }
    s->outbox.clear();
    answer_get_locked(s, std::move(body));
  }

  void answer_get_locked(const std::shared_ptr<Session>& s, std::string body) {
    auto respond = std::move(s->pending_get);
    s->pending_get = nullptr;
    if (respond) respond(text_response(200, std::move(body)));
  }

  void close_locked(const std::shared_ptr<Session>& s, std::string_view reason, bool send_close) {
    if (sessions.erase(s->sid) == 0) return;
    if (s->connected) --connected_count;
    s->connected = false;
    logger.debug("socket.io session closed", {{"sid", s->sid}, {"reason", reason}});
    if (s->pending_get) answer_get_locked(s, eio::encode(eio::Type::close));
    for (auto* c : {&s->ws, &s->probe}) {
      if (!*c) continue;
      if (send_close) (*c)->send(http::make_shared_text(eio::encode(eio::Type::close)));
      (*c)->close();
      by_conn.erase(c->get());
    }
  }

  // ---- polling ----

  void handle_polling(http::Request& req, http::Respond respond) {
    // The answer may come later (a waiting GET): the CORS headers travel with `respond`.
    http::Respond answer = [extra = cors_headers(req), respond](http::Response r) {
      r.headers.insert(r.headers.end(), extra.begin(), extra.end());
      respond(std::move(r));
    };
    http::Response res = polling(req, answer);
    if (res.status == 0) return;  // the GET waits (`answer` was kept)
    answer(std::move(res));
  }

  // Returns a Response with status 0 when `respond` was kept for later.
  http::Response polling(http::Request& req, http::Respond& respond) {
    if (req.method == "OPTIONS") {
      http::Response res = text_response(204, "", "");
      res.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      auto requested = req.header("access-control-request-headers");
      res.headers.emplace_back(
          "Access-Control-Allow-Headers",
          requested.empty() ? "Content-Type, Authorization, X-Api-Key" : std::string(requested));
      return res;
    }
    if (req.query("EIO").value_or("") != "4")
      return eio_error(400, 5, "Unsupported protocol version");
    auto transport = req.query("transport").value_or("");
    if (transport != "polling") return eio_error(400, 0, "Transport unknown");
    auto sid = req.query("sid");
    if (!sid) {
      if (req.method != "GET") return eio_error(400, 2, "Bad handshake method");
      bool key_ok = false;
      if (auto refusal = check_handshake_key(req, key_ok)) return *refusal;
      std::lock_guard lock(mu);
      if (stopped) return eio_error(503, 3, "Server is stopping");
      auto s = new_session_locked(false, key_ok);
      return text_response(200, eio::open_packet(handshake(*s)));
    }
    std::lock_guard lock(mu);
    auto it = sessions.find(*sid);
    if (it == sessions.end()) return eio_error(400, 1, "Session ID unknown");
    auto s = it->second;
    if (s->websocket) return eio_error(400, 3, "Bad request");
    if (req.method == "GET") {
      if (s->pending_get) {
        close_locked(s, "overlapping GET", false);
        return eio_error(400, 3, "Bad request");
      }
      if (!s->outbox.empty() || s->upgrading) {
        s->pending_get = std::move(respond);
        if (s->outbox.empty()) s->outbox.push_back(http::make_shared_text("6"));
        flush_poll_locked(s);
        return http::Response{0, "", "", {}};
      }
      s->pending_get = std::move(respond);
      return http::Response{0, "", "", {}};
    }
    if (req.method != "POST") return eio_error(400, 3, "Bad request");
    if (req.body.size() > options.max_payload) {
      close_locked(s, "payload too large", false);
      return eio_error(413, 3, "Payload too large");
    }
    for (auto packet : eio::split_payload(req.body)) {
      if (!packet_locked(s, packet)) break;
    }
    return text_response(200, "ok", "text/html");
  }

  // ---- packets from a client, whatever the transport. False: the session is gone. ----

  bool packet_locked(const std::shared_ptr<Session>& s, std::string_view text) {
    auto p = eio::decode(text);
    if (!p) return true;  // binary or unknown: ignored
    switch (p->type) {
      case eio::Type::pong:
        s->awaiting_pong = false;
        s->next_ping = Clock::now() + options.ping_interval;
        return true;
      case eio::Type::ping:  // not sent by v4 clients; answer like Engine.IO 3 would
        return send_locked(s, http::make_shared_text(eio::encode(eio::Type::pong, p->data)));
      case eio::Type::close:
        close_locked(s, "client close", false);
        return false;
      case eio::Type::message:
        return socketio_locked(s, p->data);
      default:
        return true;
    }
  }

  bool socketio_locked(const std::shared_ptr<Session>& s, std::string_view text) {
    auto p = sio::decode(text);
    if (!p) {
      close_locked(s, "malformed Socket.IO packet", true);
      return false;
    }
    if (p->type == sio::Type::connect) {
      if (p->nsp != "/")
        return send_locked(
            s, http::make_shared_text(sio::connect_error_message(p->nsp, "Invalid namespace")));
      if (!s->key_ok) {
        auto key = auth_payload_key(p->data);
        if (key.empty() || !options.keys.accepts(key))
          return send_locked(
              s, http::make_shared_text(sio::connect_error_message("/", "unauthorized")));
        s->key_ok = true;
      }
      if (!s->connected) {
        s->connected = true;
        ++connected_count;
      }
      return send_locked(s, http::make_shared_text(sio::connect_message(random_id())));
    }
    if (p->type == sio::Type::disconnect && p->nsp == "/" && s->connected) {
      s->connected = false;
      --connected_count;
    }
    return true;  // events and acks from clients: nothing to do
  }

  // ---- websocket ----

  std::optional<http::Response> ws_open(const std::shared_ptr<http::WebSocketConnection>& conn) {
    const auto& req = conn->request();
    if (req.query("EIO").value_or("") != "4")
      return eio_error(400, 5, "Unsupported protocol version");
    if (req.query("transport").value_or("") != "websocket")
      return eio_error(400, 0, "Transport unknown");
    auto sid = req.query("sid");
    if (sid) {
      std::lock_guard lock(mu);
      auto it = sessions.find(*sid);
      if (it == sessions.end()) return eio_error(400, 1, "Session ID unknown");
      auto s = it->second;
      if (s->websocket || s->upgrading || s->probe) return eio_error(400, 3, "Bad request");
      s->probe = conn;
      by_conn[conn.get()] = s;
      return std::nullopt;
    }
    bool key_ok = false;
    if (auto refusal = check_handshake_key(req, key_ok)) return refusal;
    std::lock_guard lock(mu);
    if (stopped) return eio_error(503, 3, "Server is stopping");
    auto s = new_session_locked(true, key_ok);
    s->ws = conn;
    by_conn[conn.get()] = s;
    conn->send(http::make_shared_text(eio::open_packet(handshake(*s))));
    return std::nullopt;
  }

  void ws_message(const std::shared_ptr<http::WebSocketConnection>& conn, std::string_view text) {
    std::lock_guard lock(mu);
    auto it = by_conn.find(conn.get());
    if (it == by_conn.end()) return;
    auto s = it->second;
    if (s->probe == conn) {
      if (text == "2probe") {
        conn->send(http::make_shared_text("3probe"));
        s->upgrading = true;
        if (s->pending_get) answer_get_locked(s, "6");
      } else if (text == "5" && s->upgrading) {
        s->upgrading = false;
        s->websocket = true;
        s->ws = std::move(s->probe);
        s->probe = nullptr;
        if (s->pending_get) answer_get_locked(s, "6");
        auto queued = std::move(s->outbox);
        s->outbox.clear();
        for (auto& p : queued)
          if (!send_locked(s, p)) return;
      }
      return;
    }
    packet_locked(s, text);
  }

  void ws_closed(const std::shared_ptr<http::WebSocketConnection>& conn) {
    std::lock_guard lock(mu);
    auto it = by_conn.find(conn.get());
    if (it == by_conn.end()) return;
    auto s = it->second;
    by_conn.erase(it);
    if (s->probe == conn) {  // a failed upgrade: polling goes on
      s->probe = nullptr;
      s->upgrading = false;
      return;
    }
    s->ws = nullptr;
    close_locked(s, "transport closed", false);
  }

  // ---- fan-out and timers ----

  void emit(std::string_view name, std::string_view data_json) {
    auto frame = http::make_shared_text(sio::event_message(name, data_json));
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<Session>> targets;
    targets.reserve(sessions.size());
    for (auto& [sid, s] : sessions)
      if (s->connected) targets.push_back(s);
    for (auto& s : targets) send_locked(s, frame);
  }

  void tick() {
    static const auto ping = http::make_shared_text(eio::encode(eio::Type::ping));
    std::unique_lock lock(mu);
    while (!stopped) {
      auto now = Clock::now();
      std::vector<std::shared_ptr<Session>> all;
      for (auto& [sid, s] : sessions) all.push_back(s);
      for (auto& s : all) {
        if (s->awaiting_pong && now >= s->pong_deadline) {
          close_locked(s, "ping timeout", false);
        } else if (!s->connected && now - s->created > options.connect_timeout) {
          close_locked(s, "no CONNECT", true);
        } else if (!s->awaiting_pong && now >= s->next_ping) {
          s->awaiting_pong = true;
          s->pong_deadline = now + options.ping_timeout;
          send_locked(s, ping);
        }
      }
      tick_cv.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
};

SocketIoServer::SocketIoServer(SocketIoOptions options, log::Logger logger)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(logger))) {}

SocketIoServer::~SocketIoServer() { stop(); }

void SocketIoServer::handle_polling(http::Request& req, http::Respond respond) {
  impl_->handle_polling(req, std::move(respond));
}

std::shared_ptr<http::WebSocketHandler> SocketIoServer::websocket_handler() {
  return std::make_shared<Impl::WsHandler>(impl_);
}

void SocketIoServer::emit(std::string_view name, std::string_view data_json) {
  impl_->emit(name, data_json);
}

void SocketIoServer::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->ticker.joinable()) return;
  impl_->stopped = false;
  impl_->ticker = std::thread([im = impl_.get()] { im->tick(); });
}

void SocketIoServer::stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopped = true;
    std::vector<std::shared_ptr<Impl::Session>> all;
    for (auto& [sid, s] : impl_->sessions) all.push_back(s);
    for (auto& s : all) impl_->close_locked(s, "server stopping", true);
  }
  impl_->tick_cv.notify_all();
  if (impl_->ticker.joinable()) impl_->ticker.join();
}

std::size_t SocketIoServer::connected_clients() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connected_count;
}

}  // namespace crawler::events
