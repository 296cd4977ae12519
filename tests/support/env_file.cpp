// Parsing and atomic writing of KEY=VALUE files.
#include "support/env_file.h"

#include <sstream>
#include <stdexcept>
#include <system_error>

#include "support/files.h"

namespace crawler::testing {

EnvMap read_env_file(const std::filesystem::path& path) {
  std::istringstream in(read_file(path));
  EnvMap values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::runtime_error(path.string() + ":" + std::to_string(number) +
                               ": expected KEY=VALUE, got '" + line + "'");
    }
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

void write_env_file(const std::filesystem::path& path, const EnvMap& values) {
  std::string text;
  for (const auto& [key, value] : values) {
    if (key.empty() || key.find_first_of("=\n") != std::string::npos ||
        value.find('\n') != std::string::npos) {
      throw std::invalid_argument("write_env_file: cannot store key '" + key + "'");
    }
    text += key + "=" + value + "\n";
  }
  auto temporary = path;
  temporary += ".tmp";
  write_file(temporary, text);
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    throw std::runtime_error("cannot rename " + temporary.string() + " to " + path.string() + ": " +
                             ec.message());
  }
}

const std::string& require_key(const EnvMap& values, const std::string& key,
                               const std::filesystem::path& source) {
  auto found = values.find(key);
  if (found == values.end() || found->second.empty()) {
    throw std::runtime_error(source.string() + " has no " + key + "=... line");
  }
  return found->second;
}

}  // namespace crawler::testing
