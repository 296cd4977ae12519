// Reads entries of a ZIP archive held in memory (libzip), within ReadLimits.
//
// Sizes declared in the ZIP directory are checked first (a cheap early refusal), but they are
// written by whoever made the file, so the real bound is enforced while inflating: reading
// stops as soon as an entry, or all entries read so far, pass their limit. A zip bomb therefore
// costs at most the limit in memory and the time to inflate that much, whatever it claims.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xlsx/limits.h"

struct zip;

namespace crawler::xlsx {

class ZipReader {
 public:
  // `data` must outlive the reader (libzip reads it in place). Throws Error when it is not a
  // ZIP archive, LimitExceeded when it has more than max_entries entries.
  ZipReader(std::string_view data, const ReadLimits& limits);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  // The entry's uncompressed bytes; nullopt when there is no such entry (names are matched
  // exactly, then case-insensitively, since some writers differ in case from their rels).
  // Throws Error for a corrupt or encrypted entry, LimitExceeded past a size limit.
  std::optional<std::string> read(const std::string& name);

 private:
  struct zip* zip_ = nullptr;
  ReadLimits limits_;
  std::uint64_t total_read_ = 0;
};

}  // namespace crawler::xlsx
