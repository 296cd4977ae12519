// What the pieces of the Bull backend (queue, worker, event stream) share: where Redis is,
// the queue's key names, and a few helpers. Internal to src/queue/bull.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "queue/bull/keys.h"
#include "redis/connection.h"
#include "redis/url.h"

namespace crawler::queue::bull {

struct QueueSite {
  redis::Endpoint endpoint;
  redis::Connection::Options connection;
  Keys keys;
};

// Milliseconds since the Unix epoch: Bull's timestamps.
inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A random token naming one queue/worker instance in event channels and job locks (Bull
// uses a UUID; any unique string is accepted by its scripts and listeners).
std::string random_token();

}  // namespace crawler::queue::bull
