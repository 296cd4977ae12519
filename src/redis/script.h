// Lua scripts run by their SHA1 (EVALSHA), loaded on demand: the one place that handles
// NOSCRIPT.
//
//   static const redis::Script kIncr = redis::make_script("incr", "return redis.call(...)");
//   redis::Reply r = redis::eval_script(connection, kIncr, {key}, {"1"});
//
// Design:
//   - A Script carries its text and the SHA1 of that text, computed here: it is the name
//     EVALSHA uses, and what SCRIPT LOAD answers, so no round trip is needed to learn it.
//   - EVALSHA first, always: the common case sends the digest, not the text. A NOSCRIPT
//     reply (a restarted or flushed Redis, a failover to a replica that never saw the
//     script) means the script did not run; it is then loaded with SCRIPT LOAD and the call
//     sent once more. Any other reply, error replies included, is the caller's, as with
//     Connection::command().
//   - I/O failures throw IoError as from the Connection; whether to retry the whole call is
//     the caller's decision (only it knows whether the script is safe to run twice).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/connection.h"
#include "redis/reply.h"

namespace crawler::redis {

struct Script {
  std::string name;  // for error messages
  std::string text;
  std::string sha1;  // lowercase hex digest of `text`
};

Script make_script(std::string name, std::string text);

// Lowercase hex SHA1 of `data`, as Redis names scripts.
std::string sha1_hex(std::string_view data);

// True for Redis' "NOSCRIPT No matching script" error reply.
bool is_noscript(const Reply& reply);

// EVALSHA <sha1> <number of keys> keys... args...
std::vector<std::string> evalsha_command(const Script& script, const std::vector<std::string>& keys,
                                         const std::vector<std::string>& args);

// Runs `script` on `connection`, loading it first when Redis does not have it. Returns the
// script's reply (or SCRIPT LOAD's error reply when loading failed). `timeout` bounds each
// command as in Connection::command().
Reply eval_script(Connection& connection, const Script& script,
                  const std::vector<std::string>& keys, const std::vector<std::string>& args,
                  std::optional<std::chrono::milliseconds> timeout = std::nullopt);

// Sends `calls` (evalsha_command()s of `script`) in one pipeline; the calls answered by
// NOSCRIPT did not run, so after SCRIPT LOAD those, and only those, are sent again (in
// order, in a second pipeline). Replies come back in the order of `calls`.
std::vector<Reply> pipeline_script(Connection& connection, const Script& script,
                                   const std::vector<std::vector<std::string>>& calls);

}  // namespace crawler::redis
