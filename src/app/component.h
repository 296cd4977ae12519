// A role's building block: something with a start and a bounded stop. The process starts its
// components in order and stops them in reverse, sharing one shutdown deadline.
#pragma once

#include <chrono>
#include <string_view>

namespace crawler::app {

class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  // Throws on failure to start (e.g. a port in use); the process then exits non-zero.
  virtual void start() = 0;
  // Stops taking new work and finishes in-flight work until `deadline`.
  virtual void stop(std::chrono::steady_clock::time_point deadline) = 0;
};

}  // namespace crawler::app
