#include "core/percent_encoding.h"

#include "core/ascii.h"
#include "core/hex.h"

namespace crawler {
namespace {

// The byte of the escape at in[i] == '%', or -1 when two hex digits do not follow.
int escape_at(std::string_view in, std::size_t i) {
  if (i + 2 >= in.size()) return -1;
  const int hi = hex_value(in[i + 1]);
  const int lo = hex_value(in[i + 2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

std::string percent_encode(std::string_view in, std::string_view keep) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (is_ascii_alnum(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += hex_digit(b >> 4, HexCase::upper);
      out += hex_digit(b, HexCase::upper);
    }
  }
  return out;
}

std::string percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (const int byte = escape_at(in, i); byte >= 0) {
        out += static_cast<char>(byte);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

std::optional<std::string> percent_decode_strict(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    const int byte = escape_at(in, i);
    if (byte < 0) return std::nullopt;
    out += static_cast<char>(byte);
    i += 2;
  }
  return out;
}

}  // namespace crawler
