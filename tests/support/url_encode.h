// Percent-encoding for the user and password parts of the URLs the harness hands out.
#pragma once

#include <string>
#include <string_view>

namespace crawler::testing {

// RFC 3986 "unreserved" characters stay; every other byte becomes %XX.
std::string percent_encode(std::string_view text);

}  // namespace crawler::testing
