// JSON in and out of the REST layer: the success envelope, request bodies (a body that is not a
// JSON object, is invalid UTF-8 or nests absurdly deep is a 400, not a crash), typed field
// readers that name the field in their error, and timestamps as existing clients read
// them (JavaScript's Date#toJSON: "2026-01-02T03:04:05.678Z").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "store/store.h"

namespace crawler::api {

// {"success":true,"data":<data>}
http::Response ok(boost::json::value data, int status = 200);

// Parses the body as a JSON object; throws BadRequest.
boost::json::object parse_object(const http::Request& req);

// Field readers: absent (or null where allowed) → nullopt; wrong type/range → BadRequest.
std::optional<std::string> get_string(const boost::json::object& o, const char* field,
                                      std::size_t max_length);
std::optional<std::int64_t> get_int(const boost::json::object& o, const char* field,
                                    std::int64_t min, std::int64_t max);
std::optional<std::vector<std::string>> get_string_array(const boost::json::object& o,
                                                         const char* field, std::size_t max_items,
                                                         std::size_t max_length);

boost::json::value timestamp(const std::optional<store::Timestamp>& t);

}  // namespace crawler::api
