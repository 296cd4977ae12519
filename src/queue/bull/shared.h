// What the pieces of the Bull backend (queue, worker, event stream) share: where Redis is,
// the queue's key names, and a few helpers. Internal to src/queue/bull.
#pragma once

#include <string>

#include "core/clock.h"  // epoch_ms(): Bull's timestamps, milliseconds since the Unix epoch
#include "queue/bull/keys.h"
#include "redis/connection.h"
#include "redis/url.h"

namespace crawler::queue::bull {

struct QueueSite {
  redis::Endpoint endpoint;
  redis::Connection::Options connection;
  Keys keys;
};

// A random token naming one queue/worker instance in event channels and job locks (Bull
// uses a UUID; any unique string is accepted by its scripts and listeners).
std::string random_token();

}  // namespace crawler::queue::bull
