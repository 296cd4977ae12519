// An integer from a JSON value as Node producers and clients send them: a
// number (integral, within ±9e15 when a double), or a string of digits ("5"). Used by the REST
// layer's field readers and the worker's job-data parser, so both accept the same inputs.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>

namespace crawler {

// nullopt when `v` is not an integer in one of those forms (null included).
std::optional<std::int64_t> json_integer(const boost::json::value& v);

}  // namespace crawler
