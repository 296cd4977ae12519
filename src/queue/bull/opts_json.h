// JobOptions <-> the `opts` field of a Bull job hash (JSON text written by JSON.stringify in
// Bull's Job#toData).
//
// Writing: the properties Bull itself stores, with Bull's names and value shapes, and the
// two it always adds (`delay`, `timestamp`; `attempts` too). Properties at their neutral
// value (priority 0, lifo false, unset keep rules) are left out as Bull leaves out what the
// caller did not give. Reading: tolerant, as Node producers may store anything JSON: numbers
// given as strings are accepted like parseInt would, unknown properties are ignored (the raw
// text stays in Job::opts_json), and a `{count, age}` keep rule keeps its count (age-based
// trimming is not implemented; documented limitation).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "queue/job_options.h"

namespace crawler::queue::bull {

// `timestamp` is what the job stores as its creation time (opts.timestamp wins when set).
std::string to_opts_json(const JobOptions& opts, std::int64_t timestamp);

// Throws std::invalid_argument when the text is not a JSON object.
JobOptions parse_opts_json(std::string_view json);

// JSON string literal of `s` (quotes included), for event payloads built by hand.
std::string json_quote(std::string_view s);

}  // namespace crawler::queue::bull
