// See event_bus.h.
#include "events/event_bus.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/clock.h"

namespace crawler::events {

namespace json = boost::json;

namespace {

constexpr std::size_t kCacheSize = 10000;

json::value parse_or_null(std::string_view text) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

const json::value* field(const json::value& v, std::string_view name) {
  return v.is_object() ? v.get_object().if_contains(name) : nullptr;
}

json::value field_or_null(const json::value& v, std::string_view name) {
  const auto* f = field(v, name);
  return f ? *f : json::value(nullptr);
}

// A rank as a number, whether stored as 5, 5.0 or "5".
std::optional<double> as_number(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  if (v.is_string()) {
    try {
      std::size_t used = 0;
      double d = std::stod(std::string(v.get_string()), &used);
      if (used == v.get_string().size()) return d;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string number_text(const json::value& v, double d) {
  if (v.is_string()) return std::string(v.get_string());
  if (d == std::floor(d) && std::abs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json::serialize(v);
}

}  // namespace

std::vector<Event> translate(const queue::QueueEvent& e, const std::optional<std::string>& job_data,
                             std::chrono::system_clock::time_point now) {
  const json::value data = job_data ? parse_or_null(*job_data) : json::value(nullptr);
  std::vector<Event> out;
  switch (e.kind) {
    case queue::QueueEvent::Kind::completed: {
      const json::value result = parse_or_null(e.payload);
      json::value keyword_id = field_or_null(result, "keywordId");
      if (keyword_id.is_null()) keyword_id = field_or_null(data, "keywordId");
      json::value rank = field_or_null(result, "rank");
      json::object updated;
      updated["keywordId"] = keyword_id;
      updated["rank"] = rank;
      updated["timestamp"] = iso8601_ms(now);
      out.push_back({"rank_updated", json::serialize(updated)});

      json::value target = field_or_null(result, "targetRank");
      if (target.is_null()) target = field_or_null(data, "targetRank");
      json::value keyword = field_or_null(result, "keyword");
      if (keyword.is_null()) keyword = field_or_null(data, "keyword");
      auto r = as_number(rank), t = as_number(target);
      if (r && t && *r > *t) {
        std::string kw = keyword.is_string() ? std::string(keyword.get_string())
                                             : (keyword.is_null() ? "" : json::serialize(keyword));
        json::object alert;
        alert["keywordId"] = keyword_id;
        alert["keyword"] = keyword;
        alert["rank"] = rank;
        alert["targetRank"] = target;
        alert["message"] = "순위 하락 알림[" + kw + "]: " + number_text(rank, *r) +
                           "위 (목표: " + number_text(target, *t) + "위)";
        out.push_back({"rank_alert", json::serialize(alert)});
      }
      break;
    }
    case queue::QueueEvent::Kind::failed: {
      json::object failed;
      failed["keywordId"] = field_or_null(data, "keywordId");
      failed["error"] = e.payload;
      out.push_back({"job_failed", json::serialize(failed)});
      break;
    }
    case queue::QueueEvent::Kind::progress: {
      json::object progress;
      progress["jobId"] = e.job_id;
      progress["keywordId"] = field_or_null(data, "keywordId");
      progress["progress"] = parse_or_null(e.payload);
      out.push_back({"job_progress", json::serialize(progress)});
      break;
    }
  }
  return out;
}

EventBus::EventBus(queue::Queue& queue, log::Logger logger)
    : queue_(queue), logger_(std::move(logger)) {}

EventBus::~EventBus() { stop(); }

void EventBus::subscribe(Sink sink) { sinks_.push_back(std::move(sink)); }

void EventBus::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void EventBus::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> EventBus::job_data(const queue::QueueEvent& e) {
  if (e.kind == queue::QueueEvent::Kind::completed) {
    // The return value may carry everything (keywordId included): no lookup then.
    json::value result = parse_or_null(e.payload);
    if (field(result, "keywordId") != nullptr) return std::nullopt;
  }
  if (auto it = cache_.find(e.job_id); it != cache_.end()) {
    std::string data = it->second;
    if (e.kind != queue::QueueEvent::Kind::progress) cache_.erase(it);  // the job is done
    return data;
  }
  std::optional<std::string> data;
  try {
    if (auto job = queue_.get_job(e.job_id)) data = job->data;
  } catch (const std::exception& ex) {
    logger_.warn("job lookup failed", {{"job", e.job_id}, {"error", std::string_view(ex.what())}});
  }
  if (data && e.kind == queue::QueueEvent::Kind::progress) {
    if (cache_order_.size() >= kCacheSize) {
      cache_.erase(cache_order_.front());
      cache_order_.pop_front();
    }
    if (cache_.emplace(e.job_id, *data).second) cache_order_.push_back(e.job_id);
  }
  return data;
}

void EventBus::run() {
  std::unique_ptr<queue::EventStream> stream;
  bool warned = false;
  while (!stop_) {
    if (!stream) {
      try {
        stream = queue_.events();
        if (warned) logger_.info("queue events reconnected");
        warned = false;
      } catch (const std::exception& e) {
        if (!warned)
          logger_.warn("queue events unavailable", {{"error", std::string_view(e.what())}});
        warned = true;
        for (int i = 0; i < 10 && !stop_; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
    }
    std::optional<queue::QueueEvent> event;
    try {
      event = stream->next(std::chrono::milliseconds(200));
    } catch (const std::exception& e) {
      logger_.warn("queue events failed", {{"error", std::string_view(e.what())}});
      stream.reset();
      continue;
    }
    if (!event) continue;
    auto data = job_data(*event);
    for (const auto& out : translate(*event, data, std::chrono::system_clock::now())) {
      for (const auto& sink : sinks_) {
        try {
          sink(out);
        } catch (const std::exception& e) {
          logger_.error("event delivery failed",
                        {{"event", out.name}, {"error", std::string_view(e.what())}});
        }
      }
    }
  }
}

}  // namespace crawler::events
