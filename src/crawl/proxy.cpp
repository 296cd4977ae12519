#include "crawl/proxy.h"

#include <random>
#include <stdexcept>

#include "core/hex.h"

namespace crawler::crawl {
namespace {

// SplitMix64's finaliser: a cheap bijective mixer, so consecutive windows give unrelated
// suffixes. Not cryptographic; session ids need only be distinct, not secret.
std::uint64_t mix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::string proxy_session_username(std::string_view user, std::uint64_t salt,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::minutes period) {
  if (period.count() <= 0) throw std::invalid_argument("proxy session period must be positive");
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto span = std::chrono::duration_cast<std::chrono::seconds>(period).count();
  // Floor division, so instants before 1970 (only in tests) still fall in whole windows.
  const std::int64_t window = seconds >= 0 ? seconds / span : -((-seconds + span - 1) / span);
  const auto id = static_cast<std::uint32_t>(mix(salt ^ mix(static_cast<std::uint64_t>(window))));
  return std::string(user) + "-session-" + hex_u32(id);
}

std::uint64_t random_session_salt() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

}  // namespace crawler::crawl
