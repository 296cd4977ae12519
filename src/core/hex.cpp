#include "core/hex.h"

namespace crawler {

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += hex_digit(b >> 4);
    out += hex_digit(b);
  }
  return out;
}

std::string hex_u32(std::uint32_t v) {
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = hex_digit(v);
  return out;
}

}  // namespace crawler
