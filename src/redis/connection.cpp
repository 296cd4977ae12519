// Connection: RESP over a Transport, plus the connect-time handshake (AUTH, SELECT).
// See connection.h for the contract; transport.h for how timeouts are enforced.
#include "redis/connection.h"

#include <span>
#include <stdexcept>
#include <utility>

#include "redis/resp_encoder.h"
#include "redis/resp_parser.h"
#include "redis/transport.h"

namespace crawler::redis {

struct Connection::Impl {
  Endpoint endpoint;
  Options options;
  std::string label;  // endpoint.redacted(), computed once
  std::unique_ptr<Transport> transport;
  RespParser parser;
  bool broken = false;
  bool push_mode = false;  // send() was used: replies are no longer 1:1 with command()

  [[noreturn]] void throw_broken() const {
    throw IoError(label + ": connection is broken (an earlier call failed); reconnect");
  }

  // Sends `request` (holding `count` commands) and returns `count` replies.
  std::vector<Reply> exchange(std::string_view request, std::size_t count, Deadline deadline,
                              std::string_view what) {
    if (push_mode) {
      throw std::logic_error(label + ": " + std::string(what) +
                             " on a connection used with send(); use read_reply()");
    }
    if (broken) throw_broken();
    std::vector<Reply> replies;
    if (count == 0) return replies;
    replies.reserve(count);
    try {
      if (parser.ready() > 0 || parser.mid_reply()) {
        // Bytes nobody asked for (pub/sub or MONITOR output after a command() of SUBSCRIBE
        // or MONITOR) would be taken as the answer to this command.
        throw IoError(label + ": unexpected data from server before " + std::string(what) +
                      " (for pub/sub use send() and read_reply(), or redis::Subscriber)");
      }
      transport->exchange(
          request,
          [&](std::string_view bytes) {
            parser.feed(bytes);
            while (auto r = parser.pop()) replies.push_back(std::move(*r));
            return replies.size() >= count;
          },
          deadline, what);
    } catch (const ProtocolError& e) {
      broken = true;
      throw IoError(label + ": " + e.what());
    } catch (...) {
      // Timeout, socket error, or anything else mid-exchange: the stream position is
      // unknown, so the connection cannot be trusted for another command.
      broken = true;
      throw;
    }
    if (replies.size() > count) {
      broken = true;
      throw IoError(label + ": server sent more replies than commands");
    }
    return replies;
  }

  void write(const std::string& request, std::optional<std::chrono::milliseconds> timeout,
             std::string_view what) {
    if (broken) throw_broken();
    push_mode = true;
    try {
      transport->send(request, Deadline::in(timeout.value_or(options.io_timeout)), what);
    } catch (...) {
      broken = true;  // a partial write leaves the server mid-command
      throw;
    }
  }

  Reply single(std::string request, std::optional<std::chrono::milliseconds> timeout,
               std::string_view what) {
    auto replies = exchange(request, 1, Deadline::in(timeout.value_or(options.io_timeout)), what);
    return std::move(replies.front());
  }

  void handshake(Deadline deadline) {
    if (!endpoint.password.empty() || !endpoint.user.empty()) {
      // AUTH user pass is Redis 6 ACL syntax; AUTH pass alone also works with older
      // servers and with ElastiCache's AUTH token.
      const std::string request = endpoint.user.empty()
                                      ? encode_command({"AUTH", endpoint.password})
                                      : encode_command({"AUTH", endpoint.user, endpoint.password});
      const Reply r = exchange(request, 1, deadline, "AUTH").front();
      if (r.is_error()) {
        throw AuthError(label + ": authentication failed: " + r.str());
      }
    }
    if (endpoint.db != 0) {
      const std::string db = std::to_string(endpoint.db);
      const Reply r = exchange(encode_command({"SELECT", db}), 1, deadline, "SELECT").front();
      if (r.is_error()) throw Error(label + ": SELECT " + db + " failed: " + r.str());
    }
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::connect(const Endpoint& endpoint) {
  return connect(endpoint, Options{});
}

std::unique_ptr<Connection> Connection::connect(const Endpoint& endpoint, const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->endpoint = endpoint;
  impl->options = options;
  impl->label = endpoint.redacted();
  const Deadline deadline = Deadline::in(options.connect_timeout);
  impl->transport =
      Transport::open(endpoint, TlsOptions{options.tls_ca_file, options.tls_verify}, deadline);
  impl->handshake(deadline);
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Reply Connection::command(std::initializer_list<std::string_view> args,
                          std::optional<std::chrono::milliseconds> timeout) {
  if (args.size() == 0) throw std::invalid_argument("redis command: no arguments");
  return impl_->single(encode_command(args), timeout, *args.begin());
}

Reply Connection::command(const std::vector<std::string>& args,
                          std::optional<std::chrono::milliseconds> timeout) {
  if (args.empty()) throw std::invalid_argument("redis command: no arguments");
  return impl_->single(encode_command(std::span<const std::string>(args)), timeout, args.front());
}

std::vector<Reply> Connection::pipeline(const std::vector<std::vector<std::string>>& commands,
                                        std::optional<std::chrono::milliseconds> timeout) {
  std::string request;
  for (const auto& c : commands) {
    if (c.empty()) throw std::invalid_argument("redis pipeline: a command has no arguments");
    append_command(request, std::span<const std::string>(c));
  }
  return impl_->exchange(request, commands.size(),
                         Deadline::in(timeout.value_or(impl_->options.io_timeout)), "pipeline");
}

void Connection::send(std::initializer_list<std::string_view> args,
                      std::optional<std::chrono::milliseconds> timeout) {
  if (args.size() == 0) throw std::invalid_argument("redis send: no arguments");
  impl_->write(encode_command(args), timeout, *args.begin());
}

void Connection::send(const std::vector<std::string>& args,
                      std::optional<std::chrono::milliseconds> timeout) {
  if (args.empty()) throw std::invalid_argument("redis send: no arguments");
  impl_->write(encode_command(std::span<const std::string>(args)), timeout, args.front());
}

void Connection::send_pipeline(const std::vector<std::vector<std::string>>& commands,
                               std::optional<std::chrono::milliseconds> timeout) {
  std::string request;
  for (const auto& c : commands) {
    if (c.empty()) throw std::invalid_argument("redis send: a command has no arguments");
    append_command(request, std::span<const std::string>(c));
  }
  if (!request.empty()) impl_->write(request, timeout, "send");
}

std::optional<Reply> Connection::read_reply(std::chrono::milliseconds timeout) {
  Impl& im = *impl_;
  if (im.broken) im.throw_broken();
  if (auto r = im.parser.pop()) return r;
  bool got = false;
  try {
    got = im.transport->receive(
        [&](std::string_view bytes) {
          im.parser.feed(bytes);
          return im.parser.ready() > 0;
        },
        Deadline::in(timeout), "read");
  } catch (const ProtocolError& e) {
    im.broken = true;
    throw IoError(im.label + ": " + e.what());
  } catch (...) {
    im.broken = true;
    throw;
  }
  if (!got) return std::nullopt;
  return im.parser.pop();
}

void Connection::interrupt() { impl_->transport->interrupt(); }

bool Connection::broken() const { return impl_->broken; }

bool Connection::push_mode() const { return impl_->push_mode; }

bool Connection::peer_closed() const { return impl_->broken || impl_->transport->peer_closed(); }

const Endpoint& Connection::endpoint() const { return impl_->endpoint; }

}  // namespace crawler::redis
