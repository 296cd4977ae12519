// The reconnect backoff of the Redis client. The policy itself is generic and lives in
// core/backoff.h; these names keep the client's options (PoolOptions::reconnect,
// SubscriberOptions::reconnect, RetryOptions::backoff) spelled in its own namespace.
#pragma once

#include "core/backoff.h"

namespace crawler::redis {

using crawler::apply_jitter;
using crawler::Backoff;
using crawler::backoff_ceiling;
using crawler::BackoffOptions;
using crawler::validate;

}  // namespace crawler::redis
