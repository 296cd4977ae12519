// Exceptions of the queue library: one family, whatever the backend.
//
//   - Error: base; anything the queue reports.
//   - BackendUnavailable: the store could not be reached (Redis down, timeout). The outcome
//     of a write that was in flight is unknown.
//   - JobNotFound / InvalidJobState: the request does not fit the job as stored.
// Backends translate their own exceptions (redis::Error, ...) into these at their boundary.
#pragma once

#include <stdexcept>

namespace crawler::queue {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BackendUnavailable : public Error {
 public:
  using Error::Error;
};

class JobNotFound : public Error {
 public:
  using Error::Error;
};

class InvalidJobState : public Error {
 public:
  using Error::Error;
};

}  // namespace crawler::queue
