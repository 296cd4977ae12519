// The api's JSON envelope taken apart in tests: {"success": true, "data": ...} or
// {"success": false, "error": "..."}. Header-only (GoogleTest assertions).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "support/http_client.h"

namespace crawler::testing {

// The `data` of a successful answer (a failed expectation when it is not one).
inline boost::json::value api_data(const HttpResult& r) {
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v["success"], true) << r.body;
  return v["data"];
}

// An error answer of `status` whose message contains `part`.
inline void expect_api_error(const HttpResult& r, long status, const std::string& part) {
  EXPECT_EQ(r.status, status) << r.body;
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v["success"], false);
  auto message = std::string(v["error"].as_string());
  EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
}

}  // namespace crawler::testing
