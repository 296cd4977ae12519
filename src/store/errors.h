// The exceptions every Store implementation throws, so callers (the API's error mapping, the
// worker's retry decision) never depend on a backend's own error types.
//
//   Error        base of everything a store throws for a database-side failure.
//   Unavailable  the database cannot be reached right now: connect failure, connection lost
//                mid-call, no pooled connection free in time. Retrying later may succeed; an
//                HTTP front end answers 503.
//   Conflict     a uniqueness rule refused the write; carries the id of the row that won.
//
// Bad arguments (page < 1, an unknown rank type) are caller bugs, reported as
// std::invalid_argument, not as Error: they say nothing about the database.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace crawler::store {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Unavailable : public Error {
 public:
  using Error::Error;
};

class Conflict : public Error {
 public:
  Conflict(std::string message, std::int64_t existing)
      : Error(std::move(message)), existing_id(existing) {}
  std::int64_t existing_id;
};

}  // namespace crawler::store
