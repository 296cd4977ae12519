#include "queue/stacktrace.h"

#include <boost/json.hpp>

namespace crawler::queue {

namespace json = boost::json;

std::string append_stacktrace(const std::vector<std::string>& previous, const std::string& entry,
                              std::optional<int> limit) {
  json::array a;
  for (const auto& s : previous) a.emplace_back(s);
  a.emplace_back(entry);
  if (limit && *limit > 0 && a.size() > static_cast<std::size_t>(*limit)) {
    a.erase(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(a.size() - *limit));
  }
  return json::serialize(a);
}

std::vector<std::string> parse_stacktrace(const std::string& text) {
  std::vector<std::string> out;
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

}  // namespace crawler::queue
