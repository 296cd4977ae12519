// KEY=VALUE files: how `crawler-test-services start` tells test processes where the shared
// services are (the file named by $CRAWLER_TEST_SERVICES). No quoting or escaping: values are
// URLs and paths we wrote ourselves, and a line's value is everything after its first '='.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace crawler::testing {

using EnvMap = std::map<std::string, std::string>;

// Blank lines and lines starting with '#' are skipped. Throws std::runtime_error if the file
// cannot be read or a line has no '='.
EnvMap read_env_file(const std::filesystem::path& path);
// Writes a temporary file next to `path` and renames it over `path`, so a reader never sees
// a half-written file.
void write_env_file(const std::filesystem::path& path, const EnvMap& values);
// The value of `key`, or a std::runtime_error naming the file and key.
const std::string& require_key(const EnvMap& values, const std::string& key,
                               const std::filesystem::path& source);

}  // namespace crawler::testing
