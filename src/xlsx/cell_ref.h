// A1-style cell references ("C7" → column 3, row 7), as worksheets write them in <c r="...">
// and <row r="...">. Reading the reference instead of counting cells is what keeps gaps: a row
// whose first value is in column C has two empty cells before it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace crawler::xlsx {

struct CellRef {
  std::size_t column = 0;  // 1-based: A = 1, Z = 26, AA = 27
  std::size_t row = 0;     // 1-based
};

// nullopt for anything but letters followed by digits (case-insensitive, "$" anchors allowed),
// or numbers too large to be a cell (more than 7 letters or 9 digits).
std::optional<CellRef> parse_cell_ref(std::string_view ref);
// A positive integer of at most 9 digits (a <row r="..."> or a shared string index).
std::optional<std::size_t> parse_index(std::string_view digits);

}  // namespace crawler::xlsx
