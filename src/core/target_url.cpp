#include "core/target_url.h"

#include <algorithm>

#include "core/ascii.h"

namespace crawler {

NormalizedUrl normalize_target_url(std::string_view input) {
  input = ascii_trim(input);
  if (input.empty()) return {"", "url is empty"};
  if (input.size() > 2048) return {"", "url is longer than 2048 characters"};
  for (unsigned char c : input)
    if (c < 0x20 || c == 0x7f) return {"", "url contains control characters"};

  auto scheme_end = input.find("://");
  if (scheme_end != std::string_view::npos) {
    auto scheme = ascii_lower(input.substr(0, scheme_end));
    bool scheme_like = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return is_ascii_alnum(c) || c == '+' || c == '-' || c == '.';
    });
    if (scheme_like) {
      if (scheme != "http" && scheme != "https")
        return {"", "url scheme must be http or https, not '" + scheme + "'"};
      input.remove_prefix(scheme_end + 3);
    }
  } else {
    // "javascript:alert(1)", "mailto:x@y": a scheme without "//" is not a web address either.
    auto colon = input.find(':');
    auto slash = input.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
      auto scheme = ascii_lower(input.substr(0, colon));
      bool all_alpha = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), is_ascii_alpha);
      auto rest = input.substr(colon + 1);
      bool port_follows = !rest.empty() && is_ascii_digit(rest[0]);
      if (all_alpha && !port_follows)
        return {"", "url scheme must be http or https, not '" + scheme + "'"};
    }
  }
  if (ascii_lower(input.substr(0, 4)) == "www.") input.remove_prefix(4);
  if (input.empty()) return {"", "url has no host"};
  return {std::string(input), ""};
}

}  // namespace crawler
