// Proxy settings (PROXY_HOST/PORT/USER/PASS) and the sticky-session user name of commercial
// proxy pools: "<user>-session-<8 hex>", where the suffix changes every 30 minutes so the exit
// IP rotates every half hour.
//
// The suffix is a pure function of (salt, time window): testable without waiting, identical
// for every request of one worker within a window (one sticky exit IP), and different across
// workers because each draws its own random salt at start-up (a fleet sharing one exit IP
// would concentrate every request of the fleet on it).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crawler::crawl {

struct ProxyConfig {
  std::string host;
  std::uint16_t port = 0;
  std::string user;      // base user name; the session suffix is added per request
  std::string password;  // never logged
  std::uint64_t session_salt = 0;
  std::chrono::minutes session_period{30};
};

// "<user>-session-<8 lowercase hex>", the hex a mix of `salt` and the index of the period
// containing `now` (periods aligned to the Unix epoch). Throws std::invalid_argument for a
// period <= 0.
std::string proxy_session_username(std::string_view user, std::uint64_t salt,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::minutes period = std::chrono::minutes(30));

// A random salt for this process (std::random_device).
std::uint64_t random_session_salt();

}  // namespace crawler::crawl
