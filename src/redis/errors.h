// Exceptions thrown by the Redis client.
//
// Design: one base class (`redis::Error`) so a caller can catch "anything from Redis" in
// one place, and a few subclasses for the cases a caller reacts to differently:
//   - IoError: the connection is unusable (socket error, timeout, TLS failure, garbage on
//     the wire). The Connection is marked broken(); the only cure is a new connection.
//   - ProtocolError: bytes that are not valid RESP2. Thrown by the pure parser; the
//     Connection turns it into an IoError because a desynchronised stream is as dead as a
//     closed one.
//   - AuthError: the server refused AUTH during connect(). Separate because retrying the
//     same credentials is pointless, unlike an IoError.
// A Redis *error reply* to an ordinary command (e.g. WRONGTYPE) is NOT an exception: it is
// returned as a Reply of type error, because it is data about one command, not a failure
// of the connection, and inside a pipeline the other replies are still valid.
//
// Messages never contain passwords: they name endpoints through Endpoint::redacted().
#pragma once

#include <stdexcept>

namespace crawler::redis {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class IoError : public Error {
 public:
  using Error::Error;
};

class ProtocolError : public Error {
 public:
  using Error::Error;
};

class AuthError : public Error {
 public:
  using Error::Error;
};

}  // namespace crawler::redis
