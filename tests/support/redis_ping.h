// "Is this Redis up?" without a Redis client library: the harness must not depend on the
// client code it is used to test. Plain TCP speaks RESP over a raw socket; TLS goes through
// `redis-cli --tls`, which is simpler than a TLS handshake of our own.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace crawler::testing {

struct RedisAuth {
  std::optional<std::string> user{};      // ACL user; unset means the default user
  std::optional<std::string> password{};  // unset means no AUTH
};

// Sends AUTH (if a password is given) and PING to 127.0.0.1:port and returns the reply line
// to PING ("+PONG", "-NOAUTH Authentication required.", "-LOADING ..."), or nullopt if the
// connection failed, closed or timed out.
std::optional<std::string> redis_ping_reply(
    int port, const RedisAuth& auth = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(2));
// True when the reply is +PONG.
bool redis_ping(int port, const RedisAuth& auth = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(2));
// PING over TLS with `redis-cli --tls --cacert <ca_file>`; true when it prints PONG.
bool redis_tls_ping(int port, const std::filesystem::path& ca_file, const RedisAuth& auth = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace crawler::testing
