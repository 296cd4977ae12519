// Page arithmetic shared by the backends, so "page 0" means the same thing everywhere.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace crawler::store {

// std::invalid_argument unless page >= 1 and limit >= 1.
inline void check_page(int page, int limit) {
  if (page < 1) throw std::invalid_argument("page must be at least 1, got " + std::to_string(page));
  if (limit < 1)
    throw std::invalid_argument("limit must be at least 1, got " + std::to_string(limit));
}

// Rows to skip; 64-bit so a huge page times a huge limit cannot overflow.
inline std::int64_t page_offset(int page, int limit) {
  return (static_cast<std::int64_t>(page) - 1) * limit;
}

inline void check_limit(int limit) {
  if (limit < 1)
    throw std::invalid_argument("limit must be at least 1, got " + std::to_string(limit));
}

}  // namespace crawler::store
