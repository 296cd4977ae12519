// See log.h. JSON escaping comes from Boost.JSON so that any byte sequence a caller passes
// (a Korean keyword, a server's error text) yields a valid JSON line.
#include "core/log.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>

#include "core/clock.h"

namespace crawler::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::json};

std::shared_ptr<spdlog::logger> sink() {
  // Created on first use, so logging works even before configure() (e.g. in tests).
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("crawler",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);  // filtering is ours
    l->flush_on(spdlog::level::trace);   // one line at a time: logs survive a crash
    return l;
  }();
  return logger;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::off:
      return "off";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) {
  out += boost::json::serialize(boost::json::string(s));
}

}  // namespace

std::optional<Level> parse_level(std::string_view s) {
  for (auto l : {Level::trace, Level::debug, Level::info, Level::warn, Level::error, Level::off})
    if (s == level_name(l)) return l;
  if (s == "warning") return Level::warn;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view s) {
  if (s == "json") return Format::json;
  if (s == "text") return Format::text;
  return std::nullopt;
}

void configure(Level level, Format format) {
  g_level = level;
  g_format = format;
}

std::string render(Format format, std::string_view time, Level level, std::string_view role,
                   std::string_view message, Fields fields) {
  std::string out;
  out.reserve(96 + message.size());
  if (format == Format::json) {
    out += "{\"time\":\"";
    out += time;
    out += "\",\"level\":\"";
    out += level_name(level);
    out += "\",\"role\":";
    append_json_string(out, role);
    out += ",\"msg\":";
    append_json_string(out, message);
    for (const auto& f : fields) {
      out += ',';
      append_json_string(out, f.key);
      out += ':';
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              append_json_string(out, v);
            } else if constexpr (std::is_same_v<T, bool>) {
              out += v ? "true" : "false";
            } else {
              out += fmt::to_string(v);
            }
          },
          f.value);
    }
    out += '}';
  } else {
    out = fmt::format("{} {:5} [{}] {}", time, level_name(level), role, message);
    for (const auto& f : fields) {
      out += ' ';
      out += f.key;
      out += '=';
      std::visit([&](const auto& v) { out += fmt::to_string(v); }, f.value);
    }
  }
  return out;
}

bool Logger::enabled(Level level) const {
  return level != Level::off && static_cast<int>(level) >= static_cast<int>(g_level.load());
}

void Logger::write(Level level, std::string_view msg, Fields fields) const {
  if (!enabled(level)) return;
  sink()->info(render(g_format.load(), iso8601_ms(std::chrono::system_clock::now()), level, role_,
                      msg, fields));
}

}  // namespace crawler::log
