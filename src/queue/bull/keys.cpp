// Key naming and the cluster slot rule (see keys.h).
#include "queue/bull/keys.h"

#include <stdexcept>
#include <utility>

namespace crawler::queue::bull {

Keys::Keys(std::string prefix, std::string queue_name)
    : prefix_(std::move(prefix)), name_(std::move(queue_name)) {
  if (prefix_.empty()) throw std::invalid_argument("queue key prefix is empty");
  if (name_.empty()) throw std::invalid_argument("queue name is empty");
  base_ = prefix_ + ":" + name_ + ":";
}

namespace {

// CRC16-CCITT (XMODEM: poly 0x1021, init 0), bit by bit: key names are short and this runs
// only in checks, so a 512-byte table buys nothing.
std::uint16_t crc16(std::string_view s) {
  std::uint16_t crc = 0;
  for (unsigned char c : s) {
    crc ^= static_cast<std::uint16_t>(c << 8);
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

}  // namespace

std::uint16_t hash_slot(std::string_view key) {
  // Cluster rule: hash only what is between the first '{' and the next '}', if non-empty.
  const auto open = key.find('{');
  if (open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return static_cast<std::uint16_t>(crc16(key) & 16383);
}

}  // namespace crawler::queue::bull
