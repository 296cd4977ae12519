// EventStream of the Bull backend: SUBSCRIBE to the queue's completed, failed and progress
// channels, which is how Node's `queue.on('global:completed' | 'global:failed' |
// 'global:progress')` learns of them. Payloads, as Bull publishes them:
//   completed: {"jobId":"<id>","val":"<return value as JSON text>"}
//   failed:    {"jobId":"<id>","val":"<reason>"}
//   progress:  {"jobId":"<id>","progress":<JSON value>}
//
// One dedicated connection in subscriber mode (send() + read_reply()). When it breaks (Redis
// restart) next() reconnects and subscribes again on its following call; messages published
// while it was away are lost, as with any pub/sub (and as with Bull).
#include "queue/bull/events.h"

#include <boost/json.hpp>
#include <thread>

#include "redis/errors.h"

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
  explicit BullEventStream(QueueSite site) : site_(std::move(site)) { subscribe(); }

  std::optional<QueueEvent> next(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return std::nullopt;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      try {
        if (!connection_ || connection_->broken()) subscribe();
        auto reply = connection_->read_reply(left);
        if (!reply) continue;
        const auto& el = reply->elements();
        if (!reply->is_array() || el.size() != 3 || el[0].str() != "message") continue;
        if (auto e = decode_event(site_.keys, el[1].str(), el[2].str())) return e;
      } catch (const redis::Error&) {
        connection_.reset();
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(100)));
      }
    }
  }

 private:
  void subscribe() {
    connection_ = redis::Connection::connect(site_.endpoint, site_.connection);
    const Keys& k = site_.keys;
    connection_->send({"SUBSCRIBE", k.completed(), k.failed(), k.key("progress")});
    // The three confirmations arrive before any message of these channels.
    for (int i = 0; i < 3; ++i) {
      if (!connection_->read_reply(site_.connection.io_timeout)) {
        connection_.reset();
        throw redis::IoError("SUBSCRIBE not confirmed in time");
      }
    }
  }

  QueueSite site_;
  std::unique_ptr<redis::Connection> connection_;
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
