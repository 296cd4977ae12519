// RedisLink (see redis_link.h).
#include "queue/bull/redis_link.h"

#include <utility>

#include "queue/errors.h"
#include "redis/errors.h"

namespace crawler::queue::bull {

RedisLink::RedisLink(redis::Endpoint endpoint, redis::Connection::Options options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

redis::Connection& RedisLink::connection() {
  if (connection_ && connection_->broken()) connection_.reset();
  if (!connection_) {
    connection_ = redis::Connection::connect(endpoint_, options_);
    try {
      load_scripts();
    } catch (...) {
      connection_.reset();
      throw;
    }
  }
  return *connection_;
}

namespace {

// Error replies of a server that is starting, failing over or busy: the command did not run
// and will succeed later, exactly like a dropped connection. Raising them as IoError lets every
// caller's reconnect-and-retry path handle them (a restarted Redis answers LOADING while it
// reads its AOF).
bool transient(const std::string& error) {
  for (const char* prefix :
       {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY"})
    if (error.starts_with(prefix)) return true;
  return false;
}

[[noreturn]] void raise(const std::string& what, const std::string& error) {
  if (transient(error)) throw redis::IoError(what + ": " + error);
  throw Error(what + ": " + error);
}

}  // namespace

void RedisLink::load_scripts() {
  std::vector<std::vector<std::string>> loads;
  for (const auto& s : scripts()) loads.push_back({"SCRIPT", "LOAD", s.text});
  const auto replies = connection_->pipeline(loads);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    const auto& s = scripts()[i];
    if (replies[i].is_error()) {
      raise("SCRIPT LOAD " + s.name + " failed", replies[i].str());
    }
    if (!replies[i].is_string() || replies[i].str() != s.sha1) {
      throw Error("SCRIPT LOAD " + s.name + " answered an unexpected digest");
    }
  }
}

// Drops the connection when a call broke it, so the next call starts afresh.
template <class F>
auto RedisLink::guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const redis::IoError&) {
    connection_.reset();
    throw;
  }
}

redis::Reply RedisLink::eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args,
                             std::optional<std::chrono::milliseconds> timeout) {
  return guarded([&] {
    const redis::Reply r = redis::eval_script(connection(), script, keys, args, timeout);
    if (r.is_error()) raise("queue script " + script.name + " failed", r.str());
    return r;
  });
}

std::vector<redis::Reply> RedisLink::eval_pipeline(
    const Script& script, const std::vector<std::vector<std::string>>& calls) {
  return guarded([&] { return redis::pipeline_script(connection(), script, calls); });
}

redis::Reply RedisLink::command(const std::vector<std::string>& args,
                                std::optional<std::chrono::milliseconds> timeout) {
  return guarded([&] { return connection().command(args, timeout); });
}

std::vector<redis::Reply> RedisLink::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  return guarded([&] { return connection().pipeline(commands); });
}

}  // namespace crawler::queue::bull
