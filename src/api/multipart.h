// multipart/form-data request bodies (RFC 7578), as browsers and existing clients send a
// file upload: parts separated by "--<boundary>", each with its own headers.
//
// Parts are views into the request body rather than copies, so a 10 MB upload is not held
// twice. The parser is strict where sloppiness would hide a truncated upload (a body without
// its closing delimiter is an error) and bounded where a hostile body could cost time or
// memory (part count, header size). Errors are BadRequest naming what is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace crawler::api {

struct FormPart {
  std::string name;                     // Content-Disposition name="..."
  std::optional<std::string> filename;  // filename*=UTF-8''... wins over filename="..."
  std::string content_type;             // empty when the part has none
  std::string_view data;                // into the request body
};

// Throws BadRequest when the request is not multipart/form-data or its body is malformed.
std::vector<FormPart> parse_multipart(const http::Request& req);

// The first part with this name, or nullptr.
const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace crawler::api
