#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/ascii.h"
#include "core/percent_encoding.h"

namespace crawler::http {

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_iequals(k, name)) return v;
  return {};
}

std::optional<std::string> Request::query(std::string_view name) const {
  for (auto& [k, v] : parse_query(query_string))
    if (k == name) return v;
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  return Response{status, "application/json", std::move(body), {}};
}

Response Response::text(int status, std::string body, std::string content_type) {
  return Response{status, std::move(content_type), std::move(body), {}};
}

Response Response::error(int status, std::string_view message) {
  return json(status, "{\"success\":false,\"error\":" +
                          boost::json::serialize(boost::json::string(message)) + "}");
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    out.emplace_back(percent_decode(key, true), percent_decode(value, true));
  }
  return out;
}

}  // namespace crawler::http
