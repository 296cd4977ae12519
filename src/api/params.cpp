#include "api/params.h"

#include <charconv>

#include "api/api_error.h"
#include "core/utf8.h"

namespace crawler::api {
namespace {

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::int64_t query_int(const http::Request& req, const char* name, std::int64_t fallback,
                       std::int64_t min, std::int64_t max) {
  auto raw = req.query(name);
  if (!raw || raw->empty()) return fallback;
  auto v = to_int(*raw);
  if (!v || *v < min || *v > max)
    throw BadRequest(std::string(name) + " must be an integer between " + std::to_string(min) +
                     " and " + std::to_string(max));
  return *v;
}

std::string query_enum(const http::Request& req, const char* name, std::string_view fallback,
                       std::initializer_list<std::string_view> allowed) {
  auto raw = req.query(name);
  if (!raw || raw->empty()) return std::string(fallback);
  for (auto a : allowed)
    if (*raw == a) return *raw;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw BadRequest(std::string(name) + " must be one of: " + list);
}

std::optional<std::string> query_string(const http::Request& req, const char* name,
                                        std::size_t max_length) {
  auto raw = req.query(name);
  if (!raw || raw->empty()) return std::nullopt;
  if (raw->size() > max_length)
    throw BadRequest(std::string(name) + " is longer than " + std::to_string(max_length) +
                     " bytes");
  if (!is_clean_utf8(*raw)) throw BadRequest(std::string(name) + " is not valid UTF-8 text");
  return raw;
}

std::int64_t path_id(const http::Request& req, const char* name) {
  auto it = req.params.find(name);
  auto v = it == req.params.end() ? std::nullopt : to_int(it->second);
  if (!v || *v <= 0) throw BadRequest(std::string(name) + " must be a positive integer");
  return *v;
}

}  // namespace crawler::api
