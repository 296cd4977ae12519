#include "worker/job_data.h"

#include <boost/json.hpp>

#include "core/json_integer.h"
#include "core/target_url.h"

namespace crawler::worker {
namespace {

std::optional<std::int64_t> optional_int(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_string() && v.as_string().empty()) return std::nullopt;  // Node's "" for "none"
  if (auto n = json_integer(v)) return n;
  throw std::invalid_argument(std::string("job data: ") + field + " must be an integer");
}

std::string required_string(const boost::json::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || !it->value().is_string() || it->value().as_string().empty())
    throw std::invalid_argument(std::string("job data: ") + field + " must be a non-empty string");
  return std::string(it->value().as_string());
}

}  // namespace

CrawlJobData parse_job_data(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("job data is not a JSON object");
  const auto& o = value.as_object();
  CrawlJobData data;
  data.keyword_id = optional_int(o, "keywordId");
  data.keyword = required_string(o, "keyword");
  auto url = normalize_target_url(required_string(o, "targetUrl"));
  if (!url.error.empty()) throw std::invalid_argument("job data: targetUrl: " + url.error);
  data.target_url = url.value;
  if (auto rank = optional_int(o, "targetRank")) {
    if (*rank < 1 || *rank > 100000)
      throw std::invalid_argument("job data: targetRank must be between 1 and 100000");
    data.target_rank = static_cast<int>(*rank);
  }
  data.bulk_search_keyword_id = optional_int(o, "bulkSearchKeywordId");
  return data;
}

std::string job_data_json(const CrawlJobData& data) {
  auto nullable = [](const auto& v) { return v ? boost::json::value(*v) : nullptr; };
  boost::json::object o{{"keywordId", nullable(data.keyword_id)},
                        {"keyword", data.keyword},
                        {"targetUrl", data.target_url},
                        {"targetRank", nullable(data.target_rank)}};
  if (data.bulk_search_keyword_id) o["bulkSearchKeywordId"] = *data.bulk_search_keyword_id;
  return boost::json::serialize(o);
}

std::string result_json(std::optional<int> rank, std::optional<int> target_rank,
                        const std::string& keyword) {
  boost::json::object o{{"rank", rank ? boost::json::value(*rank) : nullptr},
                        {"targetRank", target_rank ? boost::json::value(*target_rank) : nullptr},
                        {"keyword", keyword}};
  return boost::json::serialize(o);
}

}  // namespace crawler::worker
