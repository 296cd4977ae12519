#include "scheduler/leader_lease.h"

#include "redis/errors.h"

namespace crawler::scheduler {
namespace {

// KEYS[1] lease key; ARGV[1] holder; ARGV[2] ttl ms. 1 when the caller holds the lease after.
constexpr const char* kAcquireOrRenew = R"lua(
local current = redis.call("GET", KEYS[1])
if current == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
if current == false then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
return 0
)lua";

// KEYS[1] lease key; ARGV[1] holder. Deletes only our own lease.
constexpr const char* kRelease = R"lua(
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
)lua";

}  // namespace

LeaderLease::LeaderLease(redis::Pool& pool, std::string key, std::string holder,
                         std::chrono::milliseconds ttl)
    : pool_(pool), key_(std::move(key)), holder_(std::move(holder)), ttl_(ttl) {}

bool LeaderLease::acquire_or_renew() {
  // EVAL (not EVALSHA): a once-per-second call whose script text is tiny; no NOSCRIPT dance.
  auto reply =
      pool_.command({"EVAL", kAcquireOrRenew, "1", key_, holder_, std::to_string(ttl_.count())});
  if (reply.is_error()) throw redis::Error("leader lease: " + reply.str());
  return reply.is_integer() && reply.integer() == 1;
}

void LeaderLease::release() {
  auto reply = pool_.command({"EVAL", kRelease, "1", key_, holder_});
  if (reply.is_error()) throw redis::Error("leader lease release: " + reply.str());
}

}  // namespace crawler::scheduler
