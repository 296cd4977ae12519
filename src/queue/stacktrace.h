// A job's `stacktrace` field, kept as Bull keeps it by both backends: a JSON array of strings,
// one failure reason per failed try, the newest last, at most the job's stackTraceLimit.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace crawler::queue {

// The array text with `entry` appended and trimmed to the newest `limit` entries (when set).
std::string append_stacktrace(const std::vector<std::string>& previous, const std::string& entry,
                              std::optional<int> limit);

// The entries of stored array text. Lenient like Bull's Job.fromJSON: text that is not an
// array reads as no entries, and entries that are not strings are skipped.
std::vector<std::string> parse_stacktrace(const std::string& text);

}  // namespace crawler::queue
