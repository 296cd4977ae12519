// The keyword's target url as stored and matched: scheme and leading "www."
// removed ("https://www.example.com/a" → "example.com/a"), so that it matches a result's title
// or display URL by substring. Only http and https are accepted as schemes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crawler {

struct NormalizedUrl {
  std::string value;  // empty when `error` is set
  std::string error;  // why the input is not a usable target url
};

NormalizedUrl normalize_target_url(std::string_view input);

}  // namespace crawler
