#include "app/dotenv.h"

#include "core/ascii.h"

namespace crawler::app {
namespace {

bool valid_key(std::string_view key) {
  if (key.empty() || is_ascii_digit(key[0])) return false;
  for (char c : key)
    if (!(is_ascii_alnum(c) || c == '_')) return false;
  return true;
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(std::string_view text) {
  std::map<std::string, std::string> out;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    auto line = ascii_trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("export ")) line = ascii_trim(line.substr(7));
    auto eq = line.find('=');
    auto error = [&](std::string_view why) {
      return std::invalid_argument(".env line " + std::to_string(line_no) + ": " +
                                   std::string(why));
    };
    if (eq == std::string_view::npos) throw error("expected KEY=VALUE");
    auto key = ascii_trim(line.substr(0, eq));
    if (!valid_key(key)) throw error("invalid variable name '" + std::string(key) + "'");
    auto raw = ascii_trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) {
      char quote = raw[0];
      size_t i = 1;
      bool closed = false;
      for (; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && i + 1 < raw.size()) {
          char n = raw[++i];
          value += n == 'n' ? '\n' : n;
        } else {
          value += c;
        }
      }
      if (!closed) throw error("unterminated quote");
      auto rest = ascii_trim(raw.substr(i + 1));
      if (!rest.empty() && rest[0] != '#') throw error("unexpected text after the closing quote");
    } else {
      auto hash = raw.find(" #");
      value = std::string(ascii_trim(raw.substr(0, hash)));
    }
    out[std::string(key)] = std::move(value);
  }
  return out;
}

}  // namespace crawler::app
