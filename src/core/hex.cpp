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

}  // namespace crawler
