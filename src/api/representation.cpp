#include "api/representation.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>

#include "api/json_io.h"

namespace crawler::api {
namespace {

template <typename T>
boost::json::value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

boost::json::value kb(const std::optional<std::int64_t>& bytes) {
  if (!bytes) return nullptr;
  return std::round(static_cast<double>(*bytes) / 1024.0 * 100.0) / 100.0;
}

}  // namespace

boost::json::value to_json(const store::Keyword& k) {
  boost::json::array tags;
  for (const auto& t : k.tags) tags.emplace_back(t);
  return boost::json::object{{"id", k.id},
                             {"keyword", k.keyword},
                             {"url", k.url},
                             {"tags", std::move(tags)},
                             {"target_rank", opt(k.target_rank)},
                             {"last_rank", opt(k.last_rank)},
                             {"last_checked_at", timestamp(k.last_checked_at)},
                             {"is_active", k.is_active},
                             {"created_at", timestamp(k.created_at)}};
}

boost::json::value to_json(const store::Ranking& r, bool with_keyword) {
  boost::json::object o{
      {"id", r.id},
      {"keyword_id", r.keyword_id},
      {"rank", opt(r.rank)},
      {"rank_type", r.rank_type},
      {"checked_at", timestamp(r.checked_at)},
      {"crawling_created_at", timestamp(r.crawling_created_at)},
      {"crawling_duration", opt(r.measured.crawling_duration_ms)},
      {"total_duration", opt(r.measured.total_duration_ms)},
      {"crawling_method", r.measured.crawling_method},
      {"request_bytes", opt(r.measured.request_bytes)},
      {"response_bytes", opt(r.measured.response_bytes)},
      {"total_network_bytes", opt(r.measured.total_network_bytes)},
      {"request_kb", kb(r.measured.request_bytes)},
      {"response_kb", kb(r.measured.response_bytes)},
      {"total_network_kb", kb(r.measured.total_network_bytes)},
      {"job_id", r.job_id.empty() ? boost::json::value(nullptr) : boost::json::value(r.job_id)}};
  if (with_keyword) {
    o["keyword"] = r.keyword;
    o["url"] = r.url;
  }
  return o;
}

}  // namespace crawler::api
