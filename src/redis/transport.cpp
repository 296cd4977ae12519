// TCP/TLS transport with deadlines on Boost.Asio (see transport.h for the design).
//
// Pattern used by every operation: start async operations whose handlers record their
// result in locals of the calling frame, then run_until() the io_context until those
// locals say "done" or the deadline passes. Whatever happens, no handler is left pending
// when the frame returns: on error or timeout the socket is closed and the context is run
// until the aborted handlers have run.
#include "redis/transport.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <utility>

#include "redis/errors.h"

namespace crawler::redis {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

std::string describe(const error_code& ec) {
  if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
    return "connection closed by server";
  }
  return ec.message();
}

}  // namespace

struct Transport::Impl {
  explicit Impl(std::string label_) : label(std::move(label_)) {}

  // Declared first so it is destroyed last: sockets and streams deregister from it.
  asio::io_context ioc{1};  // hint: driven by one thread only
  std::optional<ssl::context> ssl_ctx;
  std::optional<ssl::stream<tcp::socket>> tls;
  std::optional<tcp::socket> plain;
  std::string label;  // redacted endpoint, for messages
  std::array<char, 16 * 1024> read_buf{};
  bool open = false;
  std::atomic<bool> interrupted{false};  // the one member other threads touch

  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

  template <class F>
  void with_stream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }

  void close_socket() noexcept {
    error_code ignored;
    socket().close(ignored);
    open = false;
  }

  // Closes the socket (aborting its operations), lets `cancel_extra` abort anything else,
  // and runs the context until every handler has run.
  void abort_and_drain(const std::function<void()>& cancel_extra = {}) {
    close_socket();
    if (cancel_extra) cancel_extra();
    ioc.restart();
    ioc.run();
  }

  [[noreturn]] void fail(std::string_view what, const std::string& why) {
    throw IoError(label + ": " + std::string(what) + ": " + why);
  }

  enum class Wait { done, timed_out, interrupted, lost };

  // Runs the context until `done()`, the deadline or an interrupt(). Leaves whatever is
  // still pending to the caller.
  template <class Done>
  Wait wait_until(Done&& done, Deadline deadline) {
    ioc.restart();
    while (!done()) {
      if (interrupted.load(std::memory_order_acquire)) return Wait::interrupted;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline.at) return Wait::timed_out;
      ioc.run_one_for(deadline.at - now);
      // Out of work with the operation unfinished: cannot happen with the handlers in this
      // file, but spinning here would be worse than failing loudly.
      if (ioc.stopped() && !done() && !interrupted.load(std::memory_order_acquire)) {
        return Wait::lost;
      }
    }
    return Wait::done;
  }

  // Runs the context until `done()` or the deadline; on timeout (or interrupt) aborts and
  // throws.
  template <class Done>
  void run_until(Done&& done, Deadline deadline, std::string_view what,
                 const std::function<void()>& cancel_extra = {}) {
    const Wait result = wait_until(done, deadline);
    if (result == Wait::done) return;
    abort_and_drain(cancel_extra);
    switch (result) {
      case Wait::timed_out:
        fail(what, "timed out after " + std::to_string(deadline.budget.count()) + " ms");
      case Wait::interrupted:
        fail(what, "interrupted");
      default:
        fail(what, "internal error: operation lost");
    }
  }

  // Writes `request` (unless empty) while reading into `consume` (unless null) until both
  // are done; see Transport::exchange.
  void exchange(std::string_view request, const Consumer* consume, Deadline deadline,
                std::string_view what) {
    if (!open) fail(what, "connection is closed");

    bool write_done = request.empty();
    bool read_done = consume == nullptr;
    error_code write_ec;
    error_code read_ec;
    std::exception_ptr consumer_error;

    if (!write_done) {
      with_stream([&](auto& stream) {
        asio::async_write(stream, asio::buffer(request.data(), request.size()),
                          [&](const error_code& e, std::size_t) {
                            write_ec = e;
                            write_done = true;
                          });
      });
    }

    // Reads chunk after chunk until the consumer is satisfied. The recursion goes through
    // the io_context (each read is started from the previous one's handler), not the stack.
    std::function<void()> read_next = [&] {
      with_stream([&](auto& stream) {
        stream.async_read_some(asio::buffer(read_buf), [&](const error_code& e, std::size_t n) {
          if (e) {
            read_ec = e;
            read_done = true;
            return;
          }
          bool enough = false;
          try {
            enough = (*consume)(std::string_view(read_buf.data(), n));
          } catch (...) {
            // Never let an exception cross Asio: it would leave the write pending.
            consumer_error = std::current_exception();
            read_done = true;
            return;
          }
          if (enough) {
            read_done = true;
          } else {
            read_next();
          }
        });
      });
    };
    if (!read_done) read_next();

    const auto failed = [&] { return write_ec || read_ec || consumer_error; };
    run_until([&] { return (write_done && read_done) || failed(); }, deadline, what);
    if (!failed()) return;

    abort_and_drain();  // the other direction may still be in flight
    if (consumer_error) std::rethrow_exception(consumer_error);
    fail(what, describe(write_ec ? write_ec : read_ec));
  }

  void setup_tls(const Endpoint& ep, const TlsOptions& opts) {
    ssl_ctx.emplace(ssl::context::tls_client);
    // TLS 1.2 is the oldest version ElastiCache and Redis 6+ offer; refuse anything older.
    SSL_CTX_set_min_proto_version(ssl_ctx->native_handle(), TLS1_2_VERSION);
    if (opts.verify) {
      error_code ec;
      if (opts.ca_file) {
        ssl_ctx->load_verify_file(*opts.ca_file, ec);
        if (ec) fail("tls", "cannot load CA file '" + *opts.ca_file + "': " + ec.message());
      } else {
        ssl_ctx->set_default_verify_paths(ec);
        if (ec) fail("tls", "cannot load the system CA store: " + ec.message());
      }
      ssl_ctx->set_verify_mode(ssl::verify_peer);
    } else {
      ssl_ctx->set_verify_mode(ssl::verify_none);
    }
    tls.emplace(ioc, *ssl_ctx);
    SSL* s = tls->native_handle();
    const bool ip = is_ip_literal(ep.host);
    // SNI carries names only (RFC 6066); ElastiCache and proxies route on it.
    if (!ip && SSL_set_tlsext_host_name(s, ep.host.c_str()) != 1) {
      fail("tls", "cannot set the server name (SNI)");
    }
    if (opts.verify) {
      // Let OpenSSL check the name (or IP) during chain verification, so a certificate
      // for another host fails the handshake itself.
      const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), ep.host.c_str())
                        : SSL_set1_host(s, ep.host.c_str());
      if (ok != 1) fail("tls", "cannot set the expected host name");
    }
  }

  void resolve_and_connect(const Endpoint& ep, Deadline deadline) {
    tcp::resolver resolver(ioc);
    bool done = false;
    error_code ec;
    tcp::resolver::results_type results;
    resolver.async_resolve(ep.host, std::to_string(ep.port), tcp::resolver::numeric_service,
                           [&](const error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             results = std::move(r);
                             done = true;
                           });
    run_until([&] { return done; }, deadline, "resolve", [&] { resolver.cancel(); });
    if (ec) fail("resolve", ec.message());

    done = false;
    asio::async_connect(socket(), results, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run_until([&] { return done; }, deadline, "connect");
    if (ec) {
      close_socket();
      fail("connect", ec.message());
    }
    // Commands are small and latency-bound: do not let Nagle hold them back. Keepalive
    // lets the kernel notice a peer that vanished while a pooled connection sat idle.
    socket().set_option(tcp::no_delay(true), ec);
    socket().set_option(asio::socket_base::keep_alive(true), ec);
    open = true;
  }

  void handshake(Deadline deadline) {
    bool done = false;
    error_code ec;
    tls->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    run_until([&] { return done; }, deadline, "tls handshake");
    if (ec) {
      std::string why = ec.message();
      const long verify = SSL_get_verify_result(tls->native_handle());
      if (verify != X509_V_OK) {
        why = std::string("certificate verification failed: ") +
              X509_verify_cert_error_string(verify);
      }
      close_socket();
      fail("tls handshake", why);
    }
  }
};

Transport::Transport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transport::~Transport() {
  // No TLS close_notify: it would cost a round trip (or a timeout on a dead peer) in a
  // destructor, and Redis does not need it. Closing the socket is enough.
  if (impl_->open) impl_->close_socket();
}

std::unique_ptr<Transport> Transport::open(const Endpoint& endpoint, const TlsOptions& tls,
                                           Deadline deadline) {
  auto impl = std::make_unique<Impl>(endpoint.redacted());
  if (endpoint.tls) {
    impl->setup_tls(endpoint, tls);
  } else {
    impl->plain.emplace(impl->ioc);
  }
  impl->resolve_and_connect(endpoint, deadline);
  if (endpoint.tls) impl->handshake(deadline);
  return std::unique_ptr<Transport>(new Transport(std::move(impl)));
}

bool Transport::is_open() const { return impl_->open; }

void Transport::exchange(std::string_view request, const Consumer& consume, Deadline deadline,
                         std::string_view what) {
  impl_->exchange(request, &consume, deadline, what);
}

void Transport::send(std::string_view request, Deadline deadline, std::string_view what) {
  impl_->exchange(request, nullptr, deadline, what);
}

bool Transport::receive(const Consumer& consume, Deadline deadline, std::string_view what) {
  Impl& im = *impl_;
  if (!im.open) im.fail(what, "connection is closed");
  if (im.interrupted.load(std::memory_order_acquire)) return false;

  bool read_done = false;
  bool satisfied = false;
  bool cancelling = false;
  error_code read_ec;
  std::exception_ptr consumer_error;

  std::function<void()> read_next = [&] {
    im.with_stream([&](auto& stream) {
      stream.async_read_some(asio::buffer(im.read_buf), [&](const error_code& e, std::size_t n) {
        if (e) {
          read_ec = e;
          read_done = true;
          return;
        }
        // Even while cancelling: bytes that arrived are handed over, never dropped.
        try {
          satisfied = consume(std::string_view(im.read_buf.data(), n));
        } catch (...) {
          consumer_error = std::current_exception();
          read_done = true;
          return;
        }
        if (satisfied || cancelling) {
          read_done = true;
        } else {
          read_next();
        }
      });
    });
  };
  read_next();

  const Impl::Wait result = im.wait_until([&] { return read_done; }, deadline);
  if (result == Impl::Wait::lost) {
    im.abort_and_drain();
    im.fail(what, "internal error: operation lost");
  }
  if (result != Impl::Wait::done) {
    // Time is up (or interrupted): cancel the read and run its handler, which either reports
    // operation_aborted (nothing was read) or delivers bytes that won the race.
    cancelling = true;
    error_code ignored;
    im.socket().cancel(ignored);
    im.ioc.restart();
    while (!read_done && im.ioc.run_one() > 0) {
    }
  }
  if (consumer_error) {
    im.abort_and_drain();
    std::rethrow_exception(consumer_error);
  }
  if (read_ec && !(cancelling && read_ec == asio::error::operation_aborted)) {
    im.abort_and_drain();
    im.fail(what, describe(read_ec));
  }
  return satisfied;
}

void Transport::interrupt() {
  impl_->interrupted.store(true, std::memory_order_release);
  // Wakes run_one_for() in the thread that owns the transport; harmless if none waits (the
  // no-op then runs during the next wait, which sees the flag first).
  asio::post(impl_->ioc, [] {});
}

bool Transport::peer_closed() const {
  if (!impl_->open) return true;
  // POLLRDHUP: the peer sent FIN (a Redis restart, CLIENT KILL, an idle `timeout`). Plain
  // POLLIN is not a sign of death: a TLS 1.3 server sends session tickets after the
  // handshake, which sit unread until the next command.
  pollfd p{};
  p.fd = impl_->socket().native_handle();
  p.events = POLLRDHUP;
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace crawler::redis
