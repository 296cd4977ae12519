// Process id + atomic counter + random suffix.
#include "support/unique_name.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>

namespace crawler::testing {

std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned long> counter{0};
  thread_local std::mt19937 random{std::random_device{}()};
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, "%ld_%lu_%08x", static_cast<long>(::getpid()),
                counter.fetch_add(1) + 1, static_cast<unsigned>(random()));
  return std::string(prefix) + suffix;
}

}  // namespace crawler::testing
