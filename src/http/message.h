// The HTTP request and response as the rest of the program sees them: plain structs with no
// Beast types, so handlers (src/api, src/app) compile without Asio/Beast headers and can be
// unit-tested by building a Request by hand.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus query
  std::string path;    // percent-decoded path, without the query
  std::string query_string;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params;  // filled by the Router from ":name" segments

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
  // First value of a query parameter, percent-decoded ('+' means space).
  std::optional<std::string> query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain");
  // The error envelope existing clients parse: {"success":false,"error":"..."}.
  static Response error(int status, std::string_view message);
};

// Splits "a=1&b=x%20y" into decoded pairs, in order. Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace crawler::http
