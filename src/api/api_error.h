// The errors a REST handler raises; handle() turns them into the error envelope
// {"success":false,"error":"..."} with the right status. A handler never builds error responses
// itself, and never lets bad input become a 500.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace crawler::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string message) : std::runtime_error(std::move(message)), status(code) {}
  int status;
};

// 400: names the field and what is wrong with it.
struct BadRequest : ApiError {
  explicit BadRequest(std::string message) : ApiError(400, std::move(message)) {}
};
struct NotFound : ApiError {
  explicit NotFound(std::string message) : ApiError(404, std::move(message)) {}
};
struct Conflict : ApiError {
  Conflict(std::string message, std::optional<std::int64_t> existing)
      : ApiError(409, std::move(message)), existing_id(existing) {}
  std::optional<std::int64_t> existing_id;
};

}  // namespace crawler::api
