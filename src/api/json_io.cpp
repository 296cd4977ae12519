#include "api/json_io.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/api_error.h"
#include "core/clock.h"
#include "core/json_integer.h"
#include "core/utf8.h"

namespace crawler::api {

http::Response ok(boost::json::value data, int status) {
  boost::json::object envelope{{"success", true}, {"data", std::move(data)}};
  return http::Response::json(status, boost::json::serialize(envelope));
}

boost::json::object parse_object(const http::Request& req) {
  if (req.body.empty()) throw BadRequest("request body must be a JSON object");
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  auto value = boost::json::parse(req.body, ec, {}, options);
  if (ec) throw BadRequest("request body is not valid JSON (" + ec.message() + ")");
  if (!value.is_object()) throw BadRequest("request body must be a JSON object");
  return std::move(value.as_object());
}

std::optional<std::string> get_string(const boost::json::object& o, const char* field,
                                      std::size_t max_length) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) throw BadRequest(std::string(field) + " must be a string");
  const auto& s = it->value().as_string();
  if (!is_clean_utf8(s)) throw BadRequest(std::string(field) + " contains a NUL character");
  if (s.size() > max_length)
    throw BadRequest(std::string(field) + " is longer than " + std::to_string(max_length) +
                     " bytes");
  return std::string(s);
}

std::optional<std::int64_t> get_int(const boost::json::object& o, const char* field,
                                    std::int64_t min, std::int64_t max) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  // Existing clients sometimes send numbers as strings ("5").
  auto n = json_integer(it->value());
  if (!n) throw BadRequest(std::string(field) + " must be an integer");
  if (*n < min || *n > max)
    throw BadRequest(std::string(field) + " must be between " + std::to_string(min) + " and " +
                     std::to_string(max));
  return n;
}

std::optional<std::vector<std::string>> get_string_array(const boost::json::object& o,
                                                         const char* field, std::size_t max_items,
                                                         std::size_t max_length) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_array())
    throw BadRequest(std::string(field) + " must be an array of strings");
  const auto& a = it->value().as_array();
  if (a.size() > max_items)
    throw BadRequest(std::string(field) + " has more than " + std::to_string(max_items) + " items");
  std::vector<std::string> out;
  for (const auto& item : a) {
    if (!item.is_string()) throw BadRequest(std::string(field) + " must be an array of strings");
    if (item.as_string().size() > max_length)
      throw BadRequest(std::string(field) + " items must be at most " + std::to_string(max_length) +
                       " bytes");
    if (!is_clean_utf8(item.as_string()))
      throw BadRequest(std::string(field) + " items must not contain NUL characters");
    out.emplace_back(item.as_string());
  }
  return out;
}

boost::json::value timestamp(const std::optional<store::Timestamp>& t) {
  if (!t) return nullptr;
  return boost::json::string(iso8601_ms(*t));
}

}  // namespace crawler::api
