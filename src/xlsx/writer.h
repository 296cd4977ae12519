// Writing a one-sheet workbook (libxlsxwriter): a bold, frozen header row, column widths, and
// rows of text or number cells. Enough for the bulk search template and export.
//
// libxlsxwriter 1.1.4 (Debian 12) writes only to a file, so the workbook is written to a
// private temporary file (mkstemp, removed afterwards) and read back into memory. Rows are
// written in order in constant-memory mode, so a large export costs one row of memory in the
// library rather than the whole sheet.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace crawler::xlsx {

// A blank, a text, or a number.
using Cell = std::variant<std::monostate, std::string, double>;

struct Column {
  std::string header;
  double width = 12;  // in Excel's character units
};

struct Table {
  std::string sheet_name = "Sheet1";  // ≤ 31 characters, none of []:*?/\ (Excel's rules)
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

// The .xlsx file's bytes. Throws Error when libxlsxwriter refuses (e.g. a text longer than
// Excel's 32,767 characters) or the temporary file cannot be written.
std::string write_xlsx(const Table& table);

}  // namespace crawler::xlsx
