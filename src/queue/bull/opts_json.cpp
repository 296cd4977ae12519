// Bull opts JSON (see opts_json.h). Boost.JSON does the parsing and the string escaping.
#include "queue/bull/opts_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <stdexcept>

namespace crawler::queue::bull {

namespace json = boost::json;

namespace {

json::value keep_to_json(const KeepJobs& k) {
  switch (k.kind()) {
    case KeepJobs::Kind::keep_all:
      return json::value(false);
    case KeepJobs::Kind::remove_all:
      return json::value(true);
    case KeepJobs::Kind::keep_last:
      return json::value(k.count());
    case KeepJobs::Kind::unset:
      break;
  }
  return json::value(nullptr);
}

// A JSON number or a numeric string, as JavaScript's parseInt/Number would read it.
std::optional<std::int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<std::int64_t>(v.get_uint64());
  if (v.is_double()) {
    const double d = v.get_double();
    if (std::isfinite(d)) return static_cast<std::int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    try {
      return std::stoll(std::string(v.get_string()));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

KeepJobs keep_from_json(const json::value& v) {
  if (v.is_bool()) return v.get_bool() ? KeepJobs::remove_all() : KeepJobs::keep_all();
  if (auto n = as_int(v)) return KeepJobs::keep_last(*n);
  if (v.is_object()) {
    if (const auto* c = v.get_object().if_contains("count")) {
      if (auto n = as_int(*c)) return KeepJobs::keep_last(*n);
    }
  }
  return KeepJobs();
}

}  // namespace

std::string to_opts_json(const JobOptions& opts, std::int64_t timestamp) {
  json::object o;
  o["attempts"] = opts.attempts;
  if (opts.backoff) {
    o["backoff"] =
        json::object{{"type", opts.backoff->type == Backoff::Type::fixed ? "fixed" : "exponential"},
                     {"delay", opts.backoff->delay.count()}};
  }
  if (opts.remove_on_complete.kind() != KeepJobs::Kind::unset) {
    o["removeOnComplete"] = keep_to_json(opts.remove_on_complete);
  }
  if (opts.remove_on_fail.kind() != KeepJobs::Kind::unset) {
    o["removeOnFail"] = keep_to_json(opts.remove_on_fail);
  }
  if (opts.priority != 0) o["priority"] = opts.priority;
  if (opts.job_id) o["jobId"] = *opts.job_id;
  if (opts.lifo) o["lifo"] = true;
  if (opts.timeout) o["timeout"] = opts.timeout->count();
  if (opts.stack_trace_limit) o["stackTraceLimit"] = *opts.stack_trace_limit;
  o["delay"] = opts.delay.count();
  o["timestamp"] = opts.timestamp.value_or(timestamp);
  return json::serialize(o);
}

JobOptions parse_opts_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) throw std::invalid_argument("job opts is not a JSON object");
  const json::object& o = v.get_object();
  JobOptions opts;
  if (const auto* a = o.if_contains("attempts")) {
    if (auto n = as_int(*a)) opts.attempts = static_cast<int>(*n);
  }
  if (const auto* b = o.if_contains("backoff")) {
    if (auto n = as_int(*b)) {
      opts.backoff = Backoff{Backoff::Type::fixed, std::chrono::milliseconds(*n)};
    } else if (b->is_object()) {
      const auto& bo = b->get_object();
      const auto* type = bo.if_contains("type");
      const auto* delay = bo.if_contains("delay");
      std::optional<std::int64_t> d = delay ? as_int(*delay) : std::optional<std::int64_t>(0);
      if (type && type->is_string() && d) {
        if (type->get_string() == "fixed") {
          opts.backoff = Backoff{Backoff::Type::fixed, std::chrono::milliseconds(*d)};
        } else if (type->get_string() == "exponential") {
          opts.backoff = Backoff{Backoff::Type::exponential, std::chrono::milliseconds(*d)};
        }
      }
    }
  }
  if (const auto* k = o.if_contains("removeOnComplete"))
    opts.remove_on_complete = keep_from_json(*k);
  if (const auto* k = o.if_contains("removeOnFail")) opts.remove_on_fail = keep_from_json(*k);
  if (const auto* p = o.if_contains("priority")) opts.priority = as_int(*p).value_or(0);
  if (const auto* id = o.if_contains("jobId")) {
    if (id->is_string()) {
      opts.job_id = std::string(id->get_string());
    } else if (auto n = as_int(*id)) {
      opts.job_id = std::to_string(*n);
    }
  }
  if (const auto* l = o.if_contains("lifo")) opts.lifo = l->is_bool() && l->get_bool();
  if (const auto* t = o.if_contains("timeout")) {
    if (auto n = as_int(*t); n && *n > 0) opts.timeout = std::chrono::milliseconds(*n);
  }
  if (const auto* s = o.if_contains("stackTraceLimit")) {
    if (auto n = as_int(*s)) opts.stack_trace_limit = static_cast<int>(*n);
  }
  if (const auto* d = o.if_contains("delay")) {
    opts.delay = std::chrono::milliseconds(as_int(*d).value_or(0));
  }
  if (const auto* ts = o.if_contains("timestamp")) opts.timestamp = as_int(*ts);
  return opts;
}

std::string json_quote(std::string_view s) { return json::serialize(json::string(s)); }

}  // namespace crawler::queue::bull
