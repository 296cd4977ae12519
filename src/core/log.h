// Structured logging: one JSON object per line on stdout (time, level, role, msg, fields) so
// CloudWatch Logs can filter on fields, or a human-readable line when LOG_FORMAT=text.
//
// spdlog does the heavy lifting (thread-safe sink, level filter); we only format the line.
// A Logger is a cheap value naming its role ("api", "worker", ...); all Loggers of a process
// share the sink configured once at start-up by log::configure() — the process's wiring, and
// the only process-wide state here. Secrets must never be passed as fields: callers log
// redacted forms (see redis::Endpoint::redacted(), store::redact_url()).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace crawler::log {

enum class Level { trace, debug, info, warn, error, off };
enum class Format { json, text };

std::optional<Level> parse_level(std::string_view);
std::optional<Format> parse_format(std::string_view);

// Sets the level and format of every Logger in the process. Call once, before threads start.
void configure(Level level, Format format);

struct Field {
  using Value = std::variant<std::string_view, std::int64_t, double, bool>;
  std::string_view key;
  Value value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <typename Int>
  requires std::is_integral_v<Int> Field(std::string_view k, Int v)
      : key(k), value(static_cast<std::int64_t>(v)) {}
};
using Fields = std::initializer_list<Field>;

// Renders one line (without the newline). Exposed for tests; the time is passed in.
std::string render(Format format, std::string_view time, Level level, std::string_view role,
                   std::string_view message, Fields fields);

class Logger {
 public:
  explicit Logger(std::string role) : role_(std::move(role)) {}

  void trace(std::string_view msg, Fields f = {}) const { write(Level::trace, msg, f); }
  void debug(std::string_view msg, Fields f = {}) const { write(Level::debug, msg, f); }
  void info(std::string_view msg, Fields f = {}) const { write(Level::info, msg, f); }
  void warn(std::string_view msg, Fields f = {}) const { write(Level::warn, msg, f); }
  void error(std::string_view msg, Fields f = {}) const { write(Level::error, msg, f); }

  bool enabled(Level level) const;
  const std::string& role() const { return role_; }

 private:
  void write(Level level, std::string_view msg, Fields fields) const;
  std::string role_;
};

}  // namespace crawler::log
