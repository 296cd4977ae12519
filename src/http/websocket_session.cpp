// The Beast side of websocket.h. One WsSession per connection, shared by two coroutines on the
// I/O thread: the reader (the session's own coroutine: reads messages, calls the handler) and
// the writer (drains the connection's queue). Beast allows one read and one write in flight at
// a time, which is exactly this split; a close frame is a write, so only the writer sends it.
//
// The queue lives in the Connection object, guarded by a mutex, because send() is called from
// any thread (the event bus). send() never touches Asio objects directly: it posts a wake-up to
// the I/O thread, at most one outstanding, which cancels the writer's idle timer. Once the
// server stops (or the session ends) the connection is marked closed under that same mutex, so
// no post can reach a destroyed io_context.
//
// Overflow policy: over `max_queued_messages` the socket is closed at once (no close frame: a
// peer that does not read would not read that either), freeing the queue's references.
#include "http/websocket_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace crawler::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;

namespace {

class Connection final : public WebSocketConnection,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Request request, asio::any_io_executor ex, std::size_t max_queued,
             std::size_t max_bytes)
      : request_(std::move(request)),
        ex_(std::move(ex)),
        max_queued_(max_queued),
        max_bytes_(max_bytes) {}

  const Request& request() const override { return request_; }

  bool send(SharedText text) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() >= max_queued_ || queued_bytes_ + text->size() > max_bytes_) {
      closed_ = true;
      dropped_ = true;
      queue_.clear();
      queued_bytes_ = 0;
      wake_locked();
      return false;
    }
    queued_bytes_ += text->size();
    queue_.push_back(std::move(text));
    wake_locked();
    return true;
  }

  void close() override {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    close_requested_ = true;
    wake_locked();
  }

  bool is_open() const override {
    std::lock_guard lock(mu_);
    return !closed_;
  }

  // What the writer does next.
  enum class Next { write, wait, close_frame, drop, stop };
  Next next(SharedText& out) {
    std::lock_guard lock(mu_);
    if (dropped_) return Next::drop;
    if (!queue_.empty()) {
      out = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= out->size();
      return Next::write;
    }
    if (close_requested_) {
      close_requested_ = false;
      return Next::close_frame;
    }
    return ended_ ? Next::stop : (closed_ ? Next::stop : Next::wait);
  }

  // The session ended or the server stops: refuse sends, wake the writer so it exits.
  void end() {
    std::lock_guard lock(mu_);
    ended_ = true;
    closed_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    if (timer_) timer_->cancel();  // only ever called on the I/O thread
  }
  void refuse_sends() {
    std::lock_guard lock(mu_);
    closed_ = true;
    stopping_ = true;
  }

  void attach(asio::steady_timer* timer) {
    std::lock_guard lock(mu_);
    timer_ = timer;
  }

 private:
  void wake_locked() {
    if (wake_posted_ || stopping_) return;
    wake_posted_ = true;
    asio::post(ex_, [self = shared_from_this()] {
      std::lock_guard lock(self->mu_);
      self->wake_posted_ = false;
      if (self->timer_) self->timer_->cancel();
    });
  }

  Request request_;
  asio::any_io_executor ex_;
  const std::size_t max_queued_;
  const std::size_t max_bytes_;
  std::size_t queued_bytes_ = 0;
  mutable std::mutex mu_;
  std::deque<SharedText> queue_;
  asio::steady_timer* timer_ = nullptr;
  bool closed_ = false;           // no more send()
  bool close_requested_ = false;  // close(): flush, then a close frame
  bool dropped_ = false;          // overflow: close the socket now
  bool ended_ = false;            // the reader finished
  bool wake_posted_ = false;
  bool stopping_ = false;  // the server stops: post nothing more
};

}  // namespace

struct WsSession {
  WsSession(beast::tcp_stream stream, std::shared_ptr<Connection> c)
      : ws(std::move(stream)), timer(ws.get_executor()), conn(std::move(c)) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer timer;
  std::shared_ptr<Connection> conn;
  bool writer_done = false;
  asio::steady_timer writer_exit{ws.get_executor()};
};

void WsRegistry::add(const std::shared_ptr<WsSession>& s) {
  std::lock_guard lock(mu_);
  sessions_.insert(s);
  if (closed_) close_locked(s);  // upgraded while the server was stopping
}

void WsRegistry::close_locked(const std::shared_ptr<WsSession>& s) {
  s->conn->refuse_sends();
  asio::post(s->ws.get_executor(), [s] {
    beast::error_code ec;
    beast::get_lowest_layer(s->ws).socket().close(ec);
  });
}

void WsRegistry::remove(const std::shared_ptr<WsSession>& s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
}

std::size_t WsRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void WsRegistry::close_all() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (const auto& s : sessions_) close_locked(s);
}

namespace {

asio::awaitable<void> writer(std::shared_ptr<WsSession> s) {
  beast::error_code ec;
  for (;;) {
    SharedText text;
    auto next = s->conn->next(text);
    if (next == Connection::Next::stop) break;
    if (next == Connection::Next::drop) {
      beast::get_lowest_layer(s->ws).socket().close(ec);
      break;
    }
    if (next == Connection::Next::close_frame) {
      co_await s->ws.async_close(websocket::close_code::normal,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) beast::get_lowest_layer(s->ws).socket().close(ec);
      continue;  // the reader sees the peer's close answer and ends the session
    }
    if (next == Connection::Next::wait) {
      s->timer.expires_at(asio::steady_timer::time_point::max());
      co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    co_await s->ws.async_write(asio::buffer(*text), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      beast::get_lowest_layer(s->ws).socket().close(ec);
      break;
    }
  }
  s->writer_done = true;
  s->writer_exit.cancel();
}

}  // namespace

asio::awaitable<void> run_websocket(beast::tcp_stream stream,
                                    bhttp::request<bhttp::string_body> upgrade, Request request,
                                    std::shared_ptr<WebSocketHandler> handler,
                                    WebSocketOptions options, WsRegistry& registry) {
  auto ex = stream.get_executor();
  auto conn = std::make_shared<Connection>(std::move(request), ex, options.max_queued_messages,
                                           options.max_queued_bytes);
  beast::error_code ec;
  if (auto refusal = handler->on_open(conn)) {
    conn->end();
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(refusal->status),
                                            upgrade.version()};
    res.set(bhttp::field::server, "crawler");
    if (!refusal->content_type.empty()) res.set(bhttp::field::content_type, refusal->content_type);
    for (auto& [k, v] : refusal->headers) res.set(k, v);
    res.body() = std::move(refusal->body);
    res.keep_alive(false);
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(10));
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    co_return;
  }

  auto s = std::make_shared<WsSession>(std::move(stream), conn);
  beast::get_lowest_layer(s->ws).expires_never();  // the websocket timeouts take over
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
  timeouts.keep_alive_pings = true;
  s->ws.set_option(timeouts);
  s->ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(bhttp::field::server, "crawler"); }));
  s->ws.read_message_max(options.max_message_bytes);
  s->ws.text(true);
  conn->attach(&s->timer);
  registry.add(s);

  co_await s->ws.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    asio::co_spawn(ex, writer(s), asio::detached);
    beast::flat_buffer buffer;
    for (;;) {
      co_await s->ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      auto data = buffer.cdata();
      handler->on_message(conn,
                          std::string_view(static_cast<const char*>(data.data()), data.size()));
      buffer.consume(buffer.size());
    }
    conn->end();
    // Wait for the writer to leave before the session's stream can go away.
    while (!s->writer_done) {
      s->writer_exit.expires_at(asio::steady_timer::time_point::max());
      co_await s->writer_exit.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  } else {
    conn->end();
  }
  beast::get_lowest_layer(s->ws).socket().close(ec);
  conn->attach(nullptr);
  registry.remove(s);
  handler->on_close(conn);
}

}  // namespace crawler::http::detail
