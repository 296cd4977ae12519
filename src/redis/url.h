// Redis connection URLs: `redis://[[user]:password@]host[:port][/db]` and `rediss://...`
// (the same over TLS).
//
// Design: parse once into a plain Endpoint value that the Connection consumes, so the
// string grammar lives in one pure, unit-tested place. Choices worth knowing:
//   - User and password are percent-decoded (a password may contain '@', ':' or '/').
//   - `redis://secret@host` (user info without ':') is read as a PASSWORD, as redis-cli
//     does. Reading it as a user name would print a secret in redacted() and in logs.
//   - IPv6 hosts are written in brackets: `redis://[::1]:6380`.
//   - Query strings and fragments are rejected rather than ignored: silently dropping an
//     option such as `?ssl_cert_reqs=none` would connect with settings the operator did
//     not ask for.
//   - Errors are std::invalid_argument naming the faulty part; they never quote the input,
//     which may contain the password.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crawler::redis {

struct Endpoint {
  bool tls = false;  // rediss://
  std::string host;  // name or IP literal, without IPv6 brackets
  std::uint16_t port = 6379;
  std::string user;      // empty: the default user (AUTH with password only)
  std::string password;  // AUTH is sent when user or password is non-empty
  int db = 0;            // SELECTed on connect when non-zero

  // The URL with the password replaced by "***": the only form fit for logs and errors.
  std::string redacted() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Throws std::invalid_argument naming what is wrong (scheme, host, port, db, user info).
Endpoint parse_url(std::string_view url);

}  // namespace crawler::redis
