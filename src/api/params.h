// Query and path parameters: integers with ranges and enumerations, each error naming the
// parameter (400), never a crash on "-1", "1e99", "abc" or an unknown sort key.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace crawler::api {

std::int64_t query_int(const http::Request& req, const char* name, std::int64_t fallback,
                       std::int64_t min, std::int64_t max);
// The value must be one of `allowed`; absent → fallback.
std::string query_enum(const http::Request& req, const char* name, std::string_view fallback,
                       std::initializer_list<std::string_view> allowed);
std::optional<std::string> query_string(const http::Request& req, const char* name,
                                        std::size_t max_length);
// A path parameter that must be a positive 64-bit id.
std::int64_t path_id(const http::Request& req, const char* name);

}  // namespace crawler::api
