// See server.h. Each connection is one coroutine: read a request, run the handler on the pool,
// write the response, repeat while keep-alive. In-flight requests are counted so stop() can
// wait for them; stopping the io_context afterwards destroys the idle connections' coroutines,
// which closes their sockets.
//
// WebSocket upgrades and AsyncHandler paths are dispatched here, before the Router: WebSocket
// sessions continue in websocket_session.cpp; an async request suspends its coroutine on a
// completion that `respond` posts back to the I/O thread, so a long-poll costs no thread.
// stop() closes WebSocket sessions and answers pending async requests (503) before it waits
// for requests in flight, so nothing outlives the io_context.
#include "http/server.h"

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/percent_encoding.h"
#include "http/websocket_session.h"

namespace crawler::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  log::Logger logger;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<asio::thread_pool> pool;
  std::thread io_thread;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::uint16_t bound_port = 0;

  struct WsRoute {
    std::string path;
    std::shared_ptr<WebSocketHandler> handler;
    WebSocketOptions options;
  };
  struct AsyncRoute {
    std::string path;
    AsyncHandler handler;
  };
  std::vector<WsRoute> ws_routes;
  std::vector<AsyncRoute> async_routes;
  detail::WsRegistry ws_registry;

  // An async request waiting for its answer. `complete` resumes the connection's coroutine; it
  // is posted under `mu` and only while `done` is false, and stop() sets `done` for everything
  // still pending, so no completion is posted to a stopped io_context.
  struct Pending {
    std::mutex mu;
    bool done = false;
    std::function<void(Response)> complete;
  };
  std::mutex pending_mu;
  std::unordered_set<std::shared_ptr<Pending>> pending;

  static bool path_matches(const std::string& route, const std::string& path) {
    if (route == path) return true;
    auto trim = [](std::string_view p) {
      return p.size() > 1 && p.back() == '/' ? p.substr(0, p.size() - 1) : p;
    };
    return trim(route) == trim(path);
  }

  void finish_pending(const std::shared_ptr<Pending>& p, Response res) {
    std::lock_guard lock(p->mu);
    if (p->done) return;
    p->done = true;
    asio::post(ioc,
               [c = std::move(p->complete), r = std::move(res)]() mutable { c(std::move(r)); });
  }

  asio::awaitable<Response> wait_async(const AsyncHandler& handler, Request& req) {
    auto p = std::make_shared<Pending>();
    auto initiate = [this, &handler, &req, p](auto completion) {
      auto h = std::make_shared<decltype(completion)>(std::move(completion));
      {
        std::lock_guard lock(p->mu);
        p->complete = [h](Response r) { (*h)(std::move(r)); };
      }
      {
        std::lock_guard lock(pending_mu);
        pending.insert(p);
      }
      if (stopping) {
        finish_pending(p, Response::error(503, "Server is stopping"));
        return;
      }
      try {
        handler(req, [this, p](Response r) { finish_pending(p, std::move(r)); });
      } catch (const std::exception& e) {
        logger.error("async handler failed",
                     {{"path", req.path}, {"error", std::string_view(e.what())}});
        finish_pending(p, Response::error(500, "Internal server error"));
      }
    };
    Response res = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
        initiate, asio::use_awaitable);
    {
      std::lock_guard lock(pending_mu);
      pending.erase(p);
    }
    co_return res;
  }

  Impl(ServerOptions o, std::shared_ptr<const Router> r, log::Logger l)
      : options(std::move(o)), router(std::move(r)), logger(std::move(l)) {}

  Response run_handler(Request& req) {
    try {
      return router->dispatch(req);
    } catch (const std::exception& e) {
      logger.error(
          "handler failed",
          {{"method", req.method}, {"path", req.path}, {"error", std::string_view(e.what())}});
      return Response::error(500, "Internal server error");
    }
  }

  static Request to_request(const bhttp::request<bhttp::string_body>& in,
                            const std::string& remote) {
    Request req;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    std::string_view target = in.target();
    auto q = target.find('?');
    req.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) req.query_string = std::string(target.substr(q + 1));
    for (const auto& field : in)
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    req.body = in.body();
    req.remote_address = remote;
    return req;
  }

  static bhttp::response<bhttp::string_body> to_beast(Response&& res, unsigned version,
                                                      bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    out.set(bhttp::field::server, "crawler");
    if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) out.set(k, v);
    out.keep_alive(keep_alive);
    if (head) {
      out.content_length(res.body.size());
    } else {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    return out;
  }

  asio::awaitable<void> write_simple(beast::tcp_stream& stream, int status, std::string_view msg) {
    auto res = to_beast(Response::error(status, msg), 11, false, false);
    beast::error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    std::string remote_str = ec ? std::string() : remote.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(64 * 1024);
      stream.expires_after(first ? options.read_timeout : options.keep_alive_timeout);
      first = false;
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
          ec == asio::error::eof)
        break;
      if (ec == bhttp::error::body_limit) {
        co_await write_simple(stream, 413, "Request body too large");
        break;
      }
      if (ec) {
        if (buffer.size() > 0 || parser.got_some())
          co_await write_simple(stream, 400, "Malformed HTTP request");
        break;
      }
      auto& in = parser.get();
      if (beast::websocket::is_upgrade(in)) {
        const WsRoute* route = nullptr;
        std::string path = percent_decode(
            std::string_view(in.target()).substr(0, std::string_view(in.target()).find('?')),
            false);
        for (const auto& r : ws_routes)
          if (path_matches(r.path, path)) route = &r;
        if (route != nullptr && !stopping) {
          Request upgrade_req = to_request(in, remote_str);
          co_await detail::run_websocket(std::move(stream), parser.release(),
                                         std::move(upgrade_req), route->handler, route->options,
                                         ws_registry);
          co_return;
        }
      }
      bool keep_alive = in.keep_alive() && !stopping;
      bool head = in.method() == bhttp::verb::head;
      unsigned version = in.version();
      Request req = to_request(in, remote_str);

      const AsyncHandler* async = nullptr;
      for (const auto& r : async_routes)
        if (path_matches(r.path, req.path)) async = &r.handler;

      ++in_flight;
      // Two statements, not a conditional expression: GCC 12 mishandles temporaries of a
      // co_await inside ?: (the Response was destroyed before use).
      Response res;
      if (async != nullptr) {
        res = co_await wait_async(*async, req);
      } else {
        res = co_await asio::co_spawn(
            pool->get_executor(),
            [this, &req]() -> asio::awaitable<Response> { co_return run_handler(req); },
            asio::use_awaitable);
      }
      auto out = to_beast(std::move(res), version, keep_alive && !stopping, head);
      stream.expires_after(options.read_timeout);
      co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
      --in_flight;
      if (ec || !out.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        logger.warn("accept failed", {{"error", ec.message()}});
        continue;
      }
      asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
    }
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router, log::Logger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(logger))) {}

Server::~Server() {
  if (impl_->io_thread.joinable()) stop(std::chrono::steady_clock::now());
}

void Server::start() {
  auto& im = *impl_;
  beast::error_code ec;
  auto address = asio::ip::make_address(im.options.bind_address, ec);
  if (ec) throw std::runtime_error("invalid bind address '" + im.options.bind_address + "'");
  tcp::endpoint endpoint{address, im.options.port};
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + im.options.bind_address + ":" +
                             std::to_string(im.options.port) + " (" + ec.message() + ")");
  im.bound_port = im.acceptor.local_endpoint().port();
  im.pool = std::make_unique<asio::thread_pool>(std::max(1, im.options.handler_threads));
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  im.io_thread = std::thread([&im] { im.ioc.run(); });
  im.logger.info("listening", {{"address", im.options.bind_address}, {"port", im.bound_port}});
}

void Server::stop(std::chrono::steady_clock::time_point deadline) {
  auto& im = *impl_;
  if (!im.io_thread.joinable()) return;
  im.stopping = true;
  asio::post(im.ioc, [&im] {
    beast::error_code ec;
    im.acceptor.close(ec);
  });
  im.ws_registry.close_all();
  {
    std::vector<std::shared_ptr<Impl::Pending>> waiting;
    {
      std::lock_guard lock(im.pending_mu);
      waiting.assign(im.pending.begin(), im.pending.end());
    }
    for (auto& p : waiting) im.finish_pending(p, Response::error(503, "Server is stopping"));
  }
  while (im.in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (im.in_flight > 0)
    im.logger.warn("stopping with requests in flight", {{"requests", im.in_flight.load()}});
  // WebSocket sessions end on their own once their sockets are closed; give them a moment to
  // run their on_close.
  auto ws_deadline = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  while (im.ws_registry.size() > 0 && std::chrono::steady_clock::now() < ws_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  im.ioc.stop();
  im.io_thread.join();
  im.pool->join();
  // Destroy the suspended connection coroutines (and their sockets) on this thread.
  im.ioc.restart();
  im.ioc.poll();
  im.logger.info("stopped", {{"port", im.bound_port}});
}

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::handle_websocket(std::string path, std::shared_ptr<WebSocketHandler> handler,
                              WebSocketOptions options) {
  impl_->ws_routes.push_back({std::move(path), std::move(handler), options});
}

void Server::handle_async(std::string path, AsyncHandler handler) {
  impl_->async_routes.push_back({std::move(path), std::move(handler)});
}

}  // namespace crawler::http
