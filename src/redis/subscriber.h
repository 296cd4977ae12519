// Subscriber: Redis pub/sub on a connection of its own that survives Redis restarts.
//
//   redis::Subscriber sub({.endpoint = redis::parse_url(url)});
//   sub.subscribe({"bull:q:events"});
//   while (auto m = sub.next(1s)) handle(m->channel, m->payload);  // nullopt: nothing yet
//   // elsewhere, at shutdown: sub.stop();
//
// Design:
//   - A subscribed RESP2 connection can do nothing but pub/sub, so the subscriber owns one,
//     opened on the first subscribe(), never one from a Pool.
//   - Pull, not callbacks: next(timeout) returns the next message, or std::nullopt when none
//     came in time. The caller's thread does all the work (reading, reconnecting,
//     re-subscribing); there is no hidden thread and no callback running under a lock.
//   - Resilient: on connection loss (IoError), next() reconnects with Backoff (the first
//     attempt at once) and re-subscribes every channel and pattern, transparently. An outage
//     is invisible to the caller except as a stretch of std::nullopt. The backoff is only
//     reset after a connection stayed up for a second, so a server that accepts and at
//     once drops us is not hammered.
//   - AT-MOST-ONCE: Redis pub/sub keeps nothing for absent subscribers, so messages
//     published while the connection is down (from the loss until re-subscription is
//     confirmed) are LOST. Use it for notifications whose loss is tolerable or can be
//     caught up on from durable state (lists, streams), never as the only record of work.
//   - A half-open connection (peer gone without FIN/RST) is detected by a PING after
//     ping_interval of silence; no reply within io_timeout counts as a loss.
//   - subscribe()/psubscribe() wait for the server's confirmation when connected, so a
//     message published after they return is delivered. They never throw IoError: if Redis
//     is down, the subscription is recorded and applied when next() reconnects.
//   - Errors reconnecting cannot cure (AuthError, a failing SELECT, a subscription refused
//     by ACL: redis::Error) are thrown from subscribe()/next(); the next call tries again
//     after the backoff delay.
//   - Threads: one thread uses the Subscriber; only stop() (and stopped()) may be called
//     from others. stop() makes a next() blocked on the socket or in a backoff wait return
//     std::nullopt promptly. A connect attempt in progress is not interruptible: stop() then
//     takes effect when it ends (bounded by connect_timeout; at once when Redis refuses).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.h"
#include "redis/connection.h"
#include "redis/errors.h"
#include "redis/url.h"

namespace crawler::redis {

struct SubscriberOptions {
  Endpoint endpoint;
  Connection::Options connection{};
  BackoffOptions reconnect{};
  // Silence after which next() sends PING to check the connection; 0 disables.
  std::chrono::milliseconds ping_interval{30000};
};

struct Message {
  std::string channel;
  std::optional<std::string> pattern;  // the matching pattern, for psubscribe() messages
  std::string payload;

  friend bool operator==(const Message&, const Message&) = default;
};

class Subscriber {
 public:
  // Does not connect: the first subscribe() does. Throws std::invalid_argument for invalid
  // backoff options.
  explicit Subscriber(SubscriberOptions options);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Add channels / glob patterns; kept across reconnects. Throws std::invalid_argument for
  // an empty list, Error when the server refuses (the refused names are then not kept).
  void subscribe(const std::vector<std::string>& channels);
  void psubscribe(const std::vector<std::string>& patterns);
  // Remove them. Messages already received for them may still be returned by next().
  void unsubscribe(const std::vector<std::string>& channels);
  void punsubscribe(const std::vector<std::string>& patterns);

  // The next message, waiting up to `timeout`; std::nullopt when none arrived in time, while
  // Redis is unreachable, and (at once) after stop(). May overrun `timeout` by one connect
  // attempt (connect_timeout) while reconnecting. Never throws IoError.
  std::optional<Message> next(std::chrono::milliseconds timeout);

  // True while a connection is up with every subscription confirmed (false before the first
  // subscribe(), while Redis is unreachable, after stop()). Owning thread only.
  bool connected() const;

  // Thread-safe and idempotent: ends the subscriber. A blocked next() returns promptly;
  // every later next() returns std::nullopt at once; the connection is closed by next() or
  // the destructor.
  void stop();
  bool stopped() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::redis
