// Bounds on what the reader accepts. An .xlsx is a ZIP of XML, and a ZIP can claim, or really
// hold, far more than its size suggests: a 10 MB upload may inflate to gigabytes (a zip bomb),
// and a small sharedStrings part referenced by every cell may expand into a huge result. Each
// limit stops one of those before it costs memory; the defaults fit a bulk search of 100,000
// keywords with room to spare.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crawler::xlsx {

struct ReadLimits {
  // Sum of the uncompressed sizes of every part read (workbook, rels, strings, sheet).
  std::uint64_t max_total_bytes = 50ull * 1024 * 1024;
  // One part's uncompressed size.
  std::uint64_t max_entry_bytes = 50ull * 1024 * 1024;
  // Entries in the ZIP directory (a real workbook has a dozen or so).
  std::uint64_t max_entries = 10'000;
  // Highest row number that may hold a value (row 1 is the first).
  std::size_t max_rows = 100'000;
  // Highest column number that may hold a value (A = 1).
  std::size_t max_columns = 256;
  // Sum of the sizes of all cell texts returned (shared strings are counted per use).
  std::uint64_t max_text_bytes = 50ull * 1024 * 1024;
};

}  // namespace crawler::xlsx
