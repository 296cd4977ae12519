#include "store/like.h"

namespace crawler::store {

std::string escape_like(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 4);
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string contains_pattern(std::string_view text) { return "%" + escape_like(text) + "%"; }

}  // namespace crawler::store
