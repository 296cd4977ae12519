// Parsing of redis:// and rediss:// URLs; see url.h for the accepted grammar and choices.
//
// Hand-written rather than Boost.URL: the grammar is tiny, Boost.URL would reject forms
// that Redis tools accept (a raw '@' in a password) and its errors would quote the
// input — and with it the password.
#include "redis/url.h"

#include <charconv>
#include <stdexcept>
#include <string>

#include "core/ascii.h"
#include "core/hex.h"
#include "core/percent_encoding.h"

namespace crawler::redis {
namespace {

constexpr std::string_view kPlain = "redis://";
constexpr std::string_view kTls = "rediss://";

// `what` names the field in the error. No error in this file quotes a value: a URL typed
// wrongly (say, with the host forgotten) can put the password in any position.
std::string decode_field(std::string_view in, const char* what) {
  auto out = percent_decode_strict(in);
  if (!out) throw std::invalid_argument(std::string("redis url: bad percent-encoding in ") + what);
  return std::move(*out);
}

bool valid_host_name(std::string_view h) {
  for (char c : h) {
    const bool ok = is_ascii_alnum(c) || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Inside brackets: hex digits, ':' and '.' (IPv4-mapped tail), and a '%zone' suffix.
bool valid_ipv6_literal(std::string_view h) {
  const auto zone = h.find('%');
  for (char c : h.substr(0, zone)) {
    if (hex_value(c) < 0 && c != ':' && c != '.') return false;
  }
  if (zone != std::string_view::npos) {
    if (zone + 1 == h.size() || !valid_host_name(h.substr(zone + 1))) return false;
  }
  return h.find(':') != std::string_view::npos;
}

void parse_port(std::string_view s, Endpoint& ep) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (!all_ascii_digits(s) || ec != std::errc() || end != s.data() + s.size() || value == 0 ||
      value > 65535) {
    throw std::invalid_argument("redis url: bad port (expected 1-65535)");
  }
  ep.port = static_cast<std::uint16_t>(value);
}

void parse_host_port(std::string_view hp, Endpoint& ep) {
  std::string_view port;
  bool has_port = false;
  if (!hp.empty() && hp.front() == '[') {
    const auto close = hp.find(']');
    if (close == std::string_view::npos) {
      throw std::invalid_argument("redis url: bad host (missing ']' after IPv6 address)");
    }
    ep.host = std::string(hp.substr(1, close - 1));
    if (!valid_ipv6_literal(ep.host)) {
      throw std::invalid_argument("redis url: bad host (not an IPv6 address in brackets)");
    }
    const auto after = hp.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        throw std::invalid_argument("redis url: bad host (unexpected text after ']')");
      }
      has_port = true;
      port = after.substr(1);
    }
  } else {
    const auto colon = hp.find(':');
    ep.host = std::string(hp.substr(0, colon));
    if (colon != std::string_view::npos) {
      if (hp.find(':', colon + 1) != std::string_view::npos) {
        throw std::invalid_argument(
            "redis url: bad host (an IPv6 address must be written in brackets, e.g. [::1])");
      }
      has_port = true;
      port = hp.substr(colon + 1);
    }
    if (ep.host.empty()) throw std::invalid_argument("redis url: missing host");
    if (!valid_host_name(ep.host)) {
      throw std::invalid_argument("redis url: bad host (allowed: letters, digits, '-', '.', '_')");
    }
  }
  if (ep.host.empty()) throw std::invalid_argument("redis url: missing host");
  if (has_port) parse_port(port, ep);
}

void parse_db(std::string_view path, Endpoint& ep) {
  // path is "" or starts with '/'.
  if (path.empty() || path == "/") return;
  const auto digits = path.substr(1);
  int value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!all_ascii_digits(digits) || ec != std::errc() || end != digits.data() + digits.size()) {
    throw std::invalid_argument("redis url: bad db (expected a non-negative integer)");
  }
  ep.db = value;
}

}  // namespace

Endpoint parse_url(std::string_view url) {
  Endpoint ep;
  std::string_view rest;
  if (ascii_istarts_with(url, kTls)) {
    ep.tls = true;
    rest = url.substr(kTls.size());
  } else if (ascii_istarts_with(url, kPlain)) {
    rest = url.substr(kPlain.size());
  } else {
    // Even the scheme is not quoted: a mangled URL can start with its user info.
    throw std::invalid_argument("redis url: bad scheme (expected redis:// or rediss://)");
  }

  // User info ends at the LAST '@': host, port and db never contain one, while a password
  // written by hand sometimes does.
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const auto userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      ep.password = decode_field(userinfo, "password");
    } else {
      ep.user = decode_field(userinfo.substr(0, colon), "user");
      ep.password = decode_field(userinfo.substr(colon + 1), "password");
    }
    rest = rest.substr(at + 1);
  }

  if (rest.find_first_of("?#") != std::string_view::npos) {
    throw std::invalid_argument("redis url: query strings and fragments are not supported");
  }
  const auto slash = rest.find('/');
  parse_host_port(rest.substr(0, slash), ep);
  if (slash != std::string_view::npos) parse_db(rest.substr(slash), ep);
  return ep;
}

std::string Endpoint::redacted() const {
  std::string out = tls ? std::string(kTls) : std::string(kPlain);
  if (!user.empty() || !password.empty()) {
    out += percent_encode(user);
    if (!password.empty()) out += ":***";
    out += '@';
  }
  if (host.find(':') != std::string::npos) {
    out += '[' + host + ']';
  } else {
    out += host;
  }
  out += ':' + std::to_string(port) + '/' + std::to_string(db);
  return out;
}

}  // namespace crawler::redis
