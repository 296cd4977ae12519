// EventStream of the Bull backend: SUBSCRIBE to the queue's completed, failed and progress
// channels, which is how Node's `queue.on('global:completed' | 'global:failed' |
// 'global:progress')` learns of them. Payloads, as Bull publishes them:
//   completed: {"jobId":"<id>","val":"<return value as JSON text>"}
//   failed:    {"jobId":"<id>","val":"<reason>"}
//   progress:  {"jobId":"<id>","progress":<JSON value>}
//
// A redis::Subscriber (its own connection): when it breaks (Redis restart) next() reconnects
// with backoff and subscribes again; messages published while it was away are lost, as with
// any pub/sub (and as with Bull).
#include "queue/bull/events.h"

#include <boost/json.hpp>

#include "core/backoff.h"
#include "redis/errors.h"
#include "redis/subscriber.h"

namespace crawler::queue::bull {

namespace json = boost::json;

std::optional<QueueEvent> decode_event(const Keys& keys, const std::string& channel,
                                       const std::string& payload) {
  json::error_code ec;
  const json::value v = json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  const auto* id = o.if_contains("jobId");
  if (id == nullptr) return std::nullopt;
  QueueEvent e{QueueEvent::Kind::completed, "", ""};
  e.job_id = id->is_string() ? std::string(id->get_string()) : json::serialize(*id);
  if (channel == keys.completed() || channel == keys.failed()) {
    e.kind = channel == keys.completed() ? QueueEvent::Kind::completed : QueueEvent::Kind::failed;
    const auto* val = o.if_contains("val");
    if (val != nullptr)
      e.payload = val->is_string() ? std::string(val->get_string()) : json::serialize(*val);
    return e;
  }
  if (channel == keys.key("progress")) {
    e.kind = QueueEvent::Kind::progress;
    const auto* p = o.if_contains("progress");
    e.payload = p ? json::serialize(*p) : "null";
    return e;
  }
  return std::nullopt;
}

namespace {

class BullEventStream final : public EventStream {
 public:
  explicit BullEventStream(const QueueSite& site)
      : keys_(site.keys), subscriber_(subscriber_options(site)) {
    subscriber_.subscribe({keys_.completed(), keys_.failed(), keys_.key("progress")});
    // Later outages are the subscriber's to ride out; at the start, an unreachable Redis is
    // reported to the opener (the event bus logs it and tries again).
    if (!subscriber_.connected()) {
      throw redis::IoError(site.endpoint.redacted() + ": cannot subscribe to the queue's events");
    }
  }

  std::optional<QueueEvent> next(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto message = subscriber_.next(left);
      if (!message) return std::nullopt;
      if (auto e = decode_event(keys_, message->channel, message->payload)) return e;
    }
  }

 private:
  static redis::SubscriberOptions subscriber_options(const QueueSite& site) {
    // Reconnects capped at 1 s: one connection per process, and events are lost for as long
    // as it is away.
    return redis::SubscriberOptions{
        .endpoint = site.endpoint,
        .connection = site.connection,
        .reconnect = crawler::BackoffOptions{.max = std::chrono::milliseconds(1000)}};
  }

  Keys keys_;
  redis::Subscriber subscriber_;
};

}  // namespace

std::unique_ptr<EventStream> make_bull_event_stream(const QueueSite& site) {
  try {
    return std::make_unique<BullEventStream>(site);
  } catch (const redis::Error& e) {
    throw BackendUnavailable(std::string("Redis unavailable: ") + e.what());
  }
}

}  // namespace crawler::queue::bull
