#include "core/target_url.h"

#include <algorithm>
#include <cctype>

namespace crawler {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

NormalizedUrl normalize_target_url(std::string_view input) {
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.front())))
    input.remove_prefix(1);
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.back())))
    input.remove_suffix(1);
  if (input.empty()) return {"", "url is empty"};
  if (input.size() > 2048) return {"", "url is longer than 2048 characters"};
  for (unsigned char c : input)
    if (c < 0x20 || c == 0x7f) return {"", "url contains control characters"};

  auto scheme_end = input.find("://");
  if (scheme_end != std::string_view::npos) {
    auto scheme = lower(input.substr(0, scheme_end));
    bool scheme_like = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
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
      auto scheme = lower(input.substr(0, colon));
      bool all_alpha = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c));
      });
      auto rest = input.substr(colon + 1);
      bool port_follows = !rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]));
      if (all_alpha && !port_follows)
        return {"", "url scheme must be http or https, not '" + scheme + "'"};
    }
  }
  if (lower(input.substr(0, 4)) == "www.") input.remove_prefix(4);
  if (input.empty()) return {"", "url has no host"};
  return {std::string(input), ""};
}

}  // namespace crawler
