// Subscriber: pub/sub with transparent reconnects (see subscriber.h for the contract).
//
// State split: `connection` is read and replaced only by the owning thread, but stop() must
// reach it from another thread to interrupt a blocked read, so every write of the pointer
// (and stop()'s read) happens under `mutex`. Everything else belongs to the owning thread.
#include "redis/subscriber.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

namespace crawler::redis {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A connection that lived this long proves the server is healthy: losing it afterwards
// restarts the backoff from scratch (first reconnect attempt at once).
constexpr milliseconds kStableAfter{1000};

enum class PushKind { message, subscribe, psubscribe, unsubscribe, punsubscribe, pong };

struct Push {
  PushKind kind;
  Message message;  // for PushKind::message
};

bool is_text(const Reply& r) { return r.is_string(); }

// Reads one reply of a subscribed RESP2 connection: ["message", ch, data],
// ["pmessage", pattern, ch, data], ["subscribe", ch, count] (and p/un- variants),
// ["pong", ""] or +PONG (PING when subscribed to nothing). Throws Error for an error reply,
// IoError for anything else.
Push parse_push(const Reply& r, const std::string& label) {
  if (r.is_error()) throw Error(label + ": server refused a pub/sub command: " + r.str());
  if (r.is_string() && r.str() == "PONG") return Push{PushKind::pong, {}};
  const auto bad = [&] {
    return IoError(label + ": unexpected reply on a subscribed connection: " +
                   r.to_debug_string().substr(0, 200));
  };
  if (!r.is_array() || r.elements().empty() || !is_text(r.elements()[0])) throw bad();
  const auto& e = r.elements();
  const std::string& kind = e[0].str();
  if (kind == "message") {
    if (e.size() != 3 || !is_text(e[1]) || !is_text(e[2])) throw bad();
    return Push{PushKind::message, Message{e[1].str(), std::nullopt, e[2].str()}};
  }
  if (kind == "pmessage") {
    if (e.size() != 4 || !is_text(e[1]) || !is_text(e[2]) || !is_text(e[3])) throw bad();
    return Push{PushKind::message, Message{e[2].str(), e[1].str(), e[3].str()}};
  }
  if (kind == "pong") return Push{PushKind::pong, {}};
  if (e.size() != 3) throw bad();
  if (kind == "subscribe") return Push{PushKind::subscribe, {}};
  if (kind == "psubscribe") return Push{PushKind::psubscribe, {}};
  if (kind == "unsubscribe") return Push{PushKind::unsubscribe, {}};
  if (kind == "punsubscribe") return Push{PushKind::punsubscribe, {}};
  throw bad();
}

// Confirmations still awaited, one per name sent, per kind.
struct Expected {
  std::size_t counts[4] = {0, 0, 0, 0};  // indexed by PushKind subscribe..punsubscribe

  static std::size_t index(PushKind k) { return static_cast<std::size_t>(k) - 1; }
  void add(PushKind k, std::size_t n) { counts[index(k)] += n; }
  void confirm(PushKind k) {
    auto& c = counts[index(k)];
    if (c > 0) --c;
  }
  bool done() const {
    return std::all_of(std::begin(counts), std::end(counts), [](auto c) { return c == 0; });
  }
};

}  // namespace

struct Subscriber::Impl {
  explicit Impl(SubscriberOptions o)
      : options(std::move(o)), label(options.endpoint.redacted()), backoff(options.reconnect) {}

  const SubscriberOptions options;
  const std::string label;

  // Shared with stop().
  std::mutex mutex;
  std::condition_variable wake;  // ends backoff sleeps on stop()
  std::atomic<bool> stopped{false};
  std::unique_ptr<Connection> connection;

  // The owning thread's.
  Backoff backoff;
  std::set<std::string> channels;
  std::set<std::string> patterns;
  std::deque<Message> inbox;
  Clock::time_point retry_at{};
  Clock::time_point connected_at{};
  Clock::time_point last_received{};
  std::optional<Clock::time_point> ping_sent_at;

  bool has_subscriptions() const { return !channels.empty() || !patterns.empty(); }

  void sleep_until(Clock::time_point t) {
    std::unique_lock lock(mutex);
    wake.wait_until(lock, t, [&] { return stopped.load(); });
  }

  void drop_connection() {
    std::unique_ptr<Connection> old;
    {
      std::lock_guard lock(mutex);
      old = std::move(connection);
    }
    ping_sent_at.reset();
  }

  // An established connection failed.
  void connection_lost() {
    drop_connection();
    const auto now = Clock::now();
    if (now - connected_at >= kStableAfter) backoff.reset();
    retry_at = backoff.failures() == 0 ? now : now + backoff.next();
  }

  // Connecting or re-subscribing failed.
  void connect_failed() {
    drop_connection();
    retry_at = Clock::now() + backoff.next();
  }

  // Handles one reply: queues messages, counts confirmations into `expected` (if any).
  void handle(const Reply& r, Expected* expected) {
    last_received = Clock::now();
    ping_sent_at.reset();  // any data proves the connection alive
    Push push = parse_push(r, label);
    if (push.kind == PushKind::message) {
      inbox.push_back(std::move(push.message));
    } else if (push.kind != PushKind::pong && expected != nullptr) {
      expected->confirm(push.kind);
    }
  }

  // Reads until every expected confirmation came (messages meanwhile are queued). Throws
  // IoError after io_timeout, Error for an error reply. Returns early on stop().
  void await(Expected expected) {
    const auto deadline = Clock::now() + options.connection.io_timeout;
    while (!expected.done()) {
      if (stopped) return;
      const auto now = Clock::now();
      if (now >= deadline) {
        throw IoError(label + ": no pub/sub confirmation from the server within " +
                      std::to_string(options.connection.io_timeout.count()) + " ms");
      }
      if (auto r = connection->read_reply(std::chrono::ceil<milliseconds>(deadline - now))) {
        handle(*r, &expected);
      }
    }
  }

  // Sends `command` (e.g. SUBSCRIBE a b) and awaits one `kind` confirmation per name.
  void change(std::string verb, const std::vector<std::string>& names, PushKind kind) {
    std::vector<std::string> command;
    command.reserve(names.size() + 1);
    command.push_back(std::move(verb));
    command.insert(command.end(), names.begin(), names.end());
    connection->send(command);
    Expected expected;
    expected.add(kind, names.size());
    await(expected);
  }

  void resubscribe() {
    if (!channels.empty()) {
      change("SUBSCRIBE", std::vector<std::string>(channels.begin(), channels.end()),
             PushKind::subscribe);
    }
    if (!patterns.empty()) {
      change("PSUBSCRIBE", std::vector<std::string>(patterns.begin(), patterns.end()),
             PushKind::psubscribe);
    }
  }

  // Connects and re-subscribes everything unless the backoff says not yet. Returns with a
  // connection or without one (IoError: retry later); throws other Errors.
  void try_connect() {
    if (connection || Clock::now() < retry_at) return;
    try {
      auto fresh = Connection::connect(options.endpoint, options.connection);
      {
        std::lock_guard lock(mutex);
        if (stopped) return;  // stop() could not interrupt a connection it did not see
        connection = std::move(fresh);
      }
      connected_at = last_received = Clock::now();
      ping_sent_at.reset();
      resubscribe();
    } catch (const IoError&) {
      connect_failed();
    } catch (const Error&) {
      connect_failed();
      throw;
    }
  }

  // subscribe()/psubscribe(): records the names and applies them now if possible.
  void add(std::set<std::string>& set, const std::vector<std::string>& names, std::string verb,
           PushKind kind) {
    if (names.empty()) throw std::invalid_argument("redis subscriber: no names to subscribe to");
    if (stopped) return;
    std::vector<std::string> added;
    for (const auto& n : names) {
      if (set.insert(n).second) added.push_back(n);
    }
    try {
      if (!connection) {
        try_connect();  // subscribes to everything, `names` included
      } else {
        try {
          change(std::move(verb), names, kind);
        } catch (const IoError&) {
          connection_lost();  // recorded: next() re-subscribes after reconnecting
        }
      }
    } catch (const Error&) {
      // Refused (ACL) or cannot connect for a lasting reason: the call failed, so do not
      // keep its names. The connection's state is unknown after a refusal: start afresh.
      for (const auto& n : added) set.erase(n);
      if (connection) {
        drop_connection();
        retry_at = Clock::now();
      }
      throw;
    }
  }

  void remove(std::set<std::string>& set, const std::vector<std::string>& names, std::string verb,
              PushKind kind) {
    if (names.empty()) throw std::invalid_argument("redis subscriber: no names to unsubscribe");
    for (const auto& n : names) set.erase(n);
    if (!connection || stopped) return;  // a reconnect subscribes only what is left
    try {
      change(std::move(verb), names, kind);
    } catch (const Error&) {
      connection_lost();
    }
  }

  // Waits for data on the connection up to `deadline`, sending PING after a silence.
  void receive(Clock::time_point deadline) {
    try {
      const auto now = Clock::now();
      auto until = deadline;
      if (options.ping_interval.count() > 0) {
        if (ping_sent_at) {
          const auto limit = *ping_sent_at + options.connection.io_timeout;
          if (now >= limit) {
            throw IoError(label + ": no reply to PING within " +
                          std::to_string(options.connection.io_timeout.count()) + " ms");
          }
          until = std::min(until, limit);
        } else if (now >= last_received + options.ping_interval) {
          connection->send({"PING"});
          ping_sent_at = now;
          until = std::min(until, now + options.connection.io_timeout);
        } else {
          until = std::min(until, last_received + options.ping_interval);
        }
      }
      const auto wait = std::max(milliseconds(0), std::chrono::ceil<milliseconds>(until - now));
      if (auto r = connection->read_reply(wait)) handle(*r, nullptr);
    } catch (const Error&) {
      // I/O failure, or a reply no subscribed connection should get: either way start over.
      connection_lost();
    }
  }
};

Subscriber::Subscriber(SubscriberOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Subscriber::~Subscriber() = default;

void Subscriber::subscribe(const std::vector<std::string>& channels) {
  impl_->add(impl_->channels, channels, "SUBSCRIBE", PushKind::subscribe);
}

void Subscriber::psubscribe(const std::vector<std::string>& patterns) {
  impl_->add(impl_->patterns, patterns, "PSUBSCRIBE", PushKind::psubscribe);
}

void Subscriber::unsubscribe(const std::vector<std::string>& channels) {
  impl_->remove(impl_->channels, channels, "UNSUBSCRIBE", PushKind::unsubscribe);
}

void Subscriber::punsubscribe(const std::vector<std::string>& patterns) {
  impl_->remove(impl_->patterns, patterns, "PUNSUBSCRIBE", PushKind::punsubscribe);
}

std::optional<Message> Subscriber::next(milliseconds timeout) {
  Impl& s = *impl_;
  const auto deadline = Clock::now() + timeout;
  for (bool first = true;; first = false) {
    if (s.stopped) {
      s.drop_connection();
      return std::nullopt;
    }
    if (!s.inbox.empty()) {
      Message m = std::move(s.inbox.front());
      s.inbox.pop_front();
      return m;
    }
    const auto now = Clock::now();
    if (!first && now >= deadline) return std::nullopt;
    if (s.connection) {
      s.receive(deadline);
    } else if (!s.has_subscriptions()) {
      s.sleep_until(deadline);  // nothing to listen to: no connection needed
    } else if (now < s.retry_at) {
      s.sleep_until(std::min(s.retry_at, deadline));
    } else {
      s.try_connect();
    }
  }
}

void Subscriber::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stopped = true;
  if (impl_->connection) impl_->connection->interrupt();
  impl_->wake.notify_all();
}

bool Subscriber::stopped() const { return impl_->stopped; }

bool Subscriber::connected() const { return impl_->connection != nullptr && !impl_->stopped; }

}  // namespace crawler::redis
