#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace crawler::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
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

std::string percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
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
