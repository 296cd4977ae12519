// RedisLink: one Redis connection that reconnects on demand and runs our Lua scripts.
//
// Design:
//   - Owns at most one redis::Connection. Any call first (re)connects when there is none or
//     the last one broke; connecting also loads every script with SCRIPT LOAD (one pipeline)
//     and checks that Redis names each by the SHA1 we computed, so EVALSHA can be sent
//     blind afterwards.
//   - eval() sends EVALSHA; a NOSCRIPT reply (SCRIPT FLUSH, a failover to a replica that
//     never saw the script, a restarted Redis) reloads that script and retries once
//     (redis::eval_script; eval_pipeline() likewise through redis::pipeline_script).
//   - Failure model, kept from redis::Connection: an I/O failure throws redis::IoError and
//     drops the connection (the next call reconnects); the outcome of the failed call is
//     unknown. A script that answers an error reply is a bug or a version mismatch, thrown
//     as queue::Error naming the script. Retrying is the caller's decision, because only the
//     caller knows whether its call is safe to repeat.
//   - Not thread-safe, like the Connection: one link per thread, or a mutex around it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "queue/bull/script_registry.h"
#include "redis/connection.h"
#include "redis/reply.h"
#include "redis/url.h"

namespace crawler::queue::bull {

class RedisLink {
 public:
  RedisLink(redis::Endpoint endpoint, redis::Connection::Options options);

  // The live connection, connecting (and loading scripts) first if needed.
  redis::Connection& connection();
  void drop() { connection_.reset(); }
  bool connected() const { return connection_ && !connection_->broken(); }

  redis::Reply eval(const Script& script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args,
                    std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // EVALSHA calls of one script (redis::evalsha_command) in one pipeline; replies in order,
  // error replies included (the caller judges them).
  std::vector<redis::Reply> eval_pipeline(const Script& script,
                                          const std::vector<std::vector<std::string>>& calls);
  redis::Reply command(const std::vector<std::string>& args,
                       std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  std::vector<redis::Reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  const redis::Endpoint& endpoint() const { return endpoint_; }

 private:
  template <class F>
  auto guarded(F&& f) -> decltype(f());
  void load_scripts();

  redis::Endpoint endpoint_;
  redis::Connection::Options options_;
  std::unique_ptr<redis::Connection> connection_;
};

}  // namespace crawler::queue::bull
